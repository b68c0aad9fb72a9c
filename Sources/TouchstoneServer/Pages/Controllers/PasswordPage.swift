import Foundation
import Hummingbird
import Logging
import TouchstoneCore
import TouchstoneStore

/// `/password`: the logged-in user changes their own page password (current password, the new
/// one twice; the CLI's rule: 8 characters to 72 bytes). After an admin's reset this is the only
/// page the user reaches (``SessionAuthMiddleware``) until they set a new one. Their other page
/// sessions end; this one goes on.
struct PasswordPage {
    static let path = "/password"

    let database: Database
    let renderer: PageRenderer
    let cookies: PageCookies

    struct View: Sendable {
        let mustChange: Bool
        let done: Bool
        let errors: [String]
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("password", use: form)
        group.post("password", use: change)
    }

    @Sendable func form(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.require(.changeOwnPassword)
        let user = try await PeopleQueries.get(tenant: try context.requireTenant(), login: principal.login, database: database)
        let view = View(mustChange: user.mustChangePassword, done: request.uri.queryParameters["done"] != nil, errors: [])
        return renderer.page("password", title: "password_title", content: view, request: request, context: context)
    }

    @Sendable func change(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await PageForm.checked(request, context: context)
        let principal = try context.require(.changeOwnPassword)
        let tenant = try context.requireTenant()
        let labels = renderer.labels(request)
        let current = form["current"] ?? ""
        let new = form["new"] ?? ""
        let again = form["again"] ?? ""
        var errors: [String] = []
        let stored = try await SessionQueries.passwordHash(tenant: tenant, login: principal.login, database: database)
        if try await !Passwords.verify(current, hash: stored?.hash) { errors.append(labels["password_wrong"] ?? "current") }
        if let weakness = Passwords.weakness(of: new) { errors.append("\(labels["password_new"] ?? "new"): \(weakness)") }
        if new != again { errors.append(labels["password_mismatch"] ?? "again") }
        if errors.isEmpty && new == current { errors.append(labels["password_same"] ?? "same") }
        guard errors.isEmpty else {
            let user = try await PeopleQueries.get(tenant: tenant, login: principal.login, database: database)
            let view = View(mustChange: user.mustChangePassword, done: false, errors: errors)
            return renderer.page(
                "password", title: "password_title", content: view, request: request, context: context, status: .unprocessableContent)
        }
        try await SessionQueries.setPasswordHash(
            tenant: tenant, login: principal.login, hash: try await Passwords.hashOffThread(new), keeping: cookies.sessionID(in: request),
            database: database)
        context.logger.info("password changed")
        return PageResponse.redirect(to: Self.path + "?done=1")
    }
}
