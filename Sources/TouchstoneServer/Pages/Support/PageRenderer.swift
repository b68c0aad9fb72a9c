import Foundation
import Hummingbird
import Mustache
import TouchstoneCore
import TouchstoneStore

/// Renders the pages: the Mustache templates under `Pages/Templates` with the labels of the
/// caller's language. Templates escape every `{{value}}`; only our own SVG goes in `{{{…}}}`.
struct PageRenderer: Sendable {
    let library: MustacheLibrary
    let catalogue: Catalogue

    /// The templates and catalogues bundled with the server.
    static func bundled() throws -> PageRenderer {
        let directory = try templatesDirectory()
        var library = MustacheLibrary()
        for file in try FileManager.default.contentsOfDirectory(atPath: directory.path) where file.hasSuffix(".mustache") {
            let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            try library.register(text, named: String(file.dropLast(".mustache".count)))
        }
        return PageRenderer(library: library, catalogue: try Catalogue.bundled())
    }

    /// Where the bundled templates are.
    static func templatesDirectory() throws -> URL {
        guard let directory = Bundle.module.url(forResource: "Templates", withExtension: nil) else {
            throw PageSetupError.missingResource("Templates")
        }
        return directory
    }

    /// The labels of the caller's language.
    func labels(_ request: Request) -> [String: String] {
        catalogue[Language.of(request)]
    }

    /// A full HTML page: `template` with `content`, inside the common chrome.
    /// - Parameters:
    ///   - template: the template name (file name without `.mustache`).
    ///   - title: the catalogue key of the page title.
    ///   - content: the page's view model.
    ///   - status: the response status.
    func page(
        _ template: String, title: String, content: some Sendable, request: Request, context: AppRequestContext,
        status: HTTPResponse.Status = .ok
    ) -> Response {
        let language = Language.of(request)
        let labels = catalogue[language]
        let model = PageModel(
            t: labels, title: labels[title] ?? title, lang: language.rawValue, chrome: PageChrome(request: request, context: context),
            content: content)
        let html = library.render(model, withTemplate: template) ?? ""
        return PageResponse.html(html, status: status)
    }
}

/// What every template sees: `t` (labels), `title`, `lang`, `chrome` (user, navigation, CSRF) and `content`.
struct PageModel<Content: Sendable>: Sendable {
    let t: [String: String]
    let title: String
    let lang: String
    let chrome: PageChrome
    let content: Content
}

/// The parts of the page around the content: who is logged in, the navigation they may use,
/// the CSRF token for forms, and language links back to this page.
struct PageChrome: Sendable {
    let user: String?
    let role: String?
    let csrf: String?
    let headOffice: Bool
    let overview: Bool
    /// Whether the caller may import some kind of file (the imports page).
    let imports: Bool
    /// Whether the caller manages users (the people pages).
    let people: Bool
    /// Whether the caller reads visit plans (the visits page).
    let visits: Bool
    /// Whether the caller manages webhooks (the webhooks page).
    let webhooks: Bool
    /// Whether the caller reads corrective actions (the actions pages).
    let actions: Bool
    /// Whether the caller reads complaint cases (the complaints pages).
    let complaints: Bool
    let here: String

    init(request: Request, context: AppRequestContext) {
        user = context.principal?.login
        role = context.principal?.role.rawValue
        csrf = context.csrfToken
        headOffice = context.principal?.may(.readBatchRuns) ?? false
        overview = context.principal?.may(.readOverview) ?? false
        imports = context.principal.map { principal in ImportKind.allCases.contains { principal.may($0.action) } } ?? false
        people = context.principal?.may(.manageUsers) ?? false
        visits = context.principal?.may(.readVisits) ?? false
        webhooks = context.principal?.may(.manageWebhooks) ?? false
        actions = context.principal?.may(.readActions) ?? false
        complaints = context.principal?.may(.readComplaints) ?? false
        here = PageLinks.encode(request.uri.description)
    }
}
