import Foundation
import Hummingbird
import TouchstoneCore
import TouchstoneStore

/// `/actions`: corrective actions (docs/actions.md). An outlet manager sees its outlet's to-do
/// list (what awaits the outlet, each with a submit form taking a comment and a photo); head
/// office and region managers see the board by region with overdue counts, the actions awaiting
/// verification and a form to open one by hand. `/actions/{id}` shows one action, its history and
/// evidence, with the forms the caller may use (start, submit, verify, reopen). Everything goes
/// through ``ActionDesk``, as the API does.
struct ActionsPage {
    let database: Database
    let renderer: PageRenderer

    /// The prefix of the routes that take a photo (the evidence body limit applies).
    static let uploadPrefix = "/actions/"

    struct Row: Sendable {
        let id: Int64
        let link: String
        let outlet: String
        let title: String
        let source: String
        let severity: String
        let state: String
        let due: String
        let overdue: Bool
        let canSubmit: Bool
    }

    struct ListView: Sendable {
        let board: [ActionBoardLine]
        let hasBoard: Bool
        let todo: [Row]
        let others: [Row]
        let canOpen: Bool
        let canExport: Bool
        let severities: [String]
        let overdueTotal: Int
    }

    struct Transition: Sendable {
        let at: String
        let actor: String
        let change: String
        let comment: String?
    }

    struct Photo: Sendable {
        let src: String
        let name: String
        let sha256: String
        let image: Bool
    }

    struct ActionView: Sendable {
        let row: Row
        let region: String
        let owner: String?
        let opened: String
        let sourceLink: String?
        let transitions: [Transition]
        let evidence: [Photo]
        let canStart: Bool
        let canSubmit: Bool
        let canVerify: Bool
        let canReopen: Bool
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("actions", use: list)
        group.post("actions", use: open)
        group.get("actions/export.csv") { try await export($0, context: $1, xlsx: false) }
        group.get("actions/export.xlsx") { try await export($0, context: $1, xlsx: true) }
        group.get("actions/:id", use: show)
        group.post("actions/:id/submit", use: submit)
        group.post("actions/:id/step", use: step)
        group.get("actions/:id/evidence/:name", use: evidence)
    }

    private func desk(_ context: AppRequestContext, _ action: Action = .readActions) throws -> ActionDesk {
        let principal = try context.require(action)
        return ActionDesk(database: database, tenant: try context.requireTenant(), principal: principal)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let desk = try desk(context)
        let labels = renderer.labels(request)
        let principal = desk.principal
        let tenant = desk.tenant
        let todo = try await desk.list(ActionFilter(states: [.open, .inProgress, .reopened], limit: 1000))
        let submitted = try await desk.list(ActionFilter(states: [.submitted], limit: 1000))
        let board = principal.may(.verifyActions) ? try await desk.board() : []
        let view = ListView(
            board: board, hasBoard: principal.may(.verifyActions), todo: todo.map { row($0, labels: labels, tenant: tenant, principal: principal) },
            others: submitted.map { row($0, labels: labels, tenant: tenant, principal: principal) }, canOpen: principal.may(.openActions),
            canExport: principal.may(.export), severities: Severity.allCases.map(\.rawValue), overdueTotal: board.reduce(0) { $0 + $1.overdue })
        return renderer.page("actions", title: "actions_title", content: view, request: request, context: context)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let desk = try desk(context)
        let action = try await desk.get(try ActionController.id(context))
        let labels = renderer.labels(request)
        let principal = desk.principal
        let zone = desk.tenant.timeZone
        let subject = Subject.outlet(action.outlet, regionPath: action.region)
        let state = { (state: ActionState?) in state.map { labels["action_state_\($0.rawValue)"] ?? $0.rawValue } ?? "" }
        let view = ActionView(
            row: row(action, labels: labels, tenant: desk.tenant, principal: principal), region: action.region, owner: action.owner,
            opened: "\(Instant.format(action.openedAt, in: zone)) · \(action.openedBy)",
            sourceLink: action.audit.map { "/audits/\($0)" },
            transitions: (action.transitions ?? []).map {
                Transition(at: Instant.format($0.at, in: zone), actor: $0.actor, change: "\(state($0.from)) → \(state($0.to))", comment: $0.comment)
            },
            evidence: (action.evidence ?? []).map {
                Photo(
                    src: "/actions/\(action.id)/evidence/\(PageLinks.encode($0.name))", name: $0.name, sha256: $0.sha256,
                    image: EvidenceContentType.isImage($0.contentType))
            },
            canStart: action.state.after(.start) != nil && principal.may(.workOnActions, on: subject),
            canSubmit: action.state.after(.submit) != nil && principal.may(.workOnActions, on: subject),
            canVerify: action.state.after(.verify) != nil && principal.may(.verifyActions, on: subject),
            canReopen: action.state.after(.reopen) != nil && principal.may(.verifyActions, on: subject))
        return renderer.page("action", title: "action_page_title", content: view, request: request, context: context)
    }

    /// The outlet's submit: a comment and (optionally) a photo, as multipart.
    @Sendable func submit(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await MultipartForm.checked(request, context: context, maxSize: context.maxBodySize)
        let desk = try desk(context, .workOnActions)
        let id = try ActionController.id(context)
        var photos: [ActionPhoto] = []
        if let file = form.file("photo"), let name = file.fileName, !name.isEmpty, !file.data.isEmpty {
            photos.append(ActionPhoto(name: name, contentType: file.contentType ?? "application/octet-stream", content: file.data))
        }
        _ = try await desk.take(.submit, on: id, comment: form["comment"], evidence: photos)
        return PageResponse.redirect(to: form["next"] == "list" ? "/actions" : "/actions/\(id)")
    }

    /// start, verify or reopen (with a comment).
    @Sendable func step(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await PageForm.checked(request, context: context)
        guard let step = form["step"].flatMap(ActionStep.init(rawValue:)), let permission = step.permission else {
            throw APIProblem.badRequest("Choose start, verify or reopen.")
        }
        let desk = try desk(context, permission)
        let id = try ActionController.id(context)
        _ = try await desk.take(step, on: id, comment: form["comment"])
        return PageResponse.redirect(to: "/actions/\(id)")
    }

    /// Opens one by hand (outlet code, title, severity).
    @Sendable func open(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await PageForm.checked(request, context: context)
        let desk = try desk(context, .openActions)
        let action = try await desk.open(
            ManualAction(
                outlet: form["outlet"] ?? "", title: form["title"] ?? "", severity: form["severity"].flatMap(Severity.init(rawValue:)) ?? .medium))
        return PageResponse.redirect(to: "/actions/\(action.id)")
    }

    @Sendable func evidence(_ request: Request, context: AppRequestContext) async throws -> Response {
        let name = try context.parameters.require("name")
        return try await desk(context).evidence(try ActionController.id(context), name: name.removingPercentEncoding ?? name)
    }

    private func export(_ request: Request, context: AppRequestContext, xlsx: Bool) async throws -> Response {
        try await desk(context, .export).export(ActionFilter(), xlsx: xlsx, labels: renderer.labels(request))
    }

    private func row(_ action: ActionRecord, labels: [String: String], tenant: Tenant, principal: Principal) -> Row {
        Row(
            id: action.id, link: "/actions/\(action.id)", outlet: "\(action.outlet) \(action.outletName)", title: action.title,
            source: labels["action_source_\(action.source.rawValue)"] ?? action.source.rawValue,
            severity: labels["severity_\(action.severity.rawValue)"] ?? action.severity.rawValue,
            state: labels["action_state_\(action.state.rawValue)"] ?? action.state.rawValue,
            due: Instant.format(action.dueAt, in: tenant.timeZone), overdue: action.overdue,
            canSubmit: action.state.after(.submit) != nil
                && principal.may(.workOnActions, on: .outlet(action.outlet, regionPath: action.region)))
    }
}
