import Foundation
import Hummingbird
import TouchstoneCore
import TouchstoneStore

/// `/complaints`: the call centre's complaint cases (docs/complaints.md). The list of cases not
/// closed, earliest deadline first, with their escalated and breached markers, filtered by state
/// and outlet and paginated (a region manager sees its subtree's); head office creates a case
/// there. `/complaints/{id}` shows one case, its transitions and a form per transition its state
/// allows. Everything goes through ``ComplaintCaseQueries``, as the API does. No JavaScript; every
/// POST goes through ``PageForm/checked(_:context:)``.
struct ComplaintsPage {
    let database: Database
    let renderer: PageRenderer

    static let pageSize = 50

    struct Row: Sendable {
        let id: String
        let link: String
        let outlet: String
        let region: String
        let severity: String
        let state: String
        let stateCode: String
        let opened: String
        let deadline: String
        let escalated: Bool
        let breached: Bool
    }

    /// A field of the create form: what was typed and, shown again, its problem.
    struct Field: Sendable {
        let value: String
        let error: String?
    }

    /// The create form, filled with what was posted when it is shown again with its problems.
    struct Draft: Sendable {
        let id: Field
        let outlet: Field
        let severity: Field
        let severities: [PageTable.Option]
        let comment: Field
        /// Problems that belong to no field.
        let errors: [String]
    }

    struct ListView: Sendable {
        let states: [PageTable.Option]
        let outlet: String
        let cases: [Row]
        let from: Int
        let to: Int
        let total: Int
        let previousPage: String?
        let nextPage: String?
        let draft: Draft?
    }

    struct Transition: Sendable {
        let at: String
        let actor: String
        let change: String
        let comment: String?
    }

    struct CaseView: Sendable {
        let row: Row
        let assignee: String?
        let firstResponse: String?
        let resolved: String?
        let satisfied: String?
        let escalatedAt: String?
        let transitions: [Transition]
        /// The forms of the transitions its state allows (head office only).
        let canAssign: Bool
        let canFirstResponse: Bool
        let canResolve: Bool
        let canCallback: Bool
        let canClose: Bool
        let errors: [String]
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("complaints", use: list)
        group.post("complaints", use: create)
        group.get("complaints/:id", use: show)
        group.post("complaints/:id/transitions", use: transition)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await listPage(request, context: context)
    }

    /// Creates a case (``ComplaintCaseQueries/create(tenant:id:outlet:severity:comment:actor:now:database:)``)
    /// and shows it; its problems show beside their fields.
    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await PageForm.checked(request, context: context)
        let principal = try context.require(.handleComplaints)
        do {
            let outlet = form.text("outlet")
            let severity = form.text("severity").flatMap(Severity.init(rawValue:))
            guard let outlet, let severity else {
                throw ValidationFailure(
                    problems: (outlet == nil ? [Problem(path: "outlet", message: "an outlet code is required")] : [])
                        + (severity == nil ? [Problem(path: "severity", message: "choose high, medium or low")] : []))
            }
            let made = try await ComplaintCaseQueries.create(
                tenant: try context.requireTenant(), id: form.text("id"), outlet: outlet, severity: severity,
                comment: form.text("comment"), actor: principal.login, database: database)
            return PageResponse.redirect(to: Self.link(made.id))
        } catch {
            guard let (status, problems) = PageForm.fieldProblems(error) else { throw error }
            return try await listPage(request, context: context, form: form, problems: problems, status: status)
        }
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await casePage(request, context: context)
    }

    /// Moves the case one step (``ComplaintCaseQueries/transition(tenant:id:to:satisfied:assignee:comment:actor:now:database:)``);
    /// a refused step shows the case again with why.
    @Sendable func transition(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await PageForm.checked(request, context: context)
        let principal = try context.require(.handleComplaints)
        let id = try ComplaintController.id(context)
        do {
            guard let to = form.text("to").flatMap(CaseState.init(rawValue:)) else {
                throw ValidationFailure(path: "to", message: "choose a transition")
            }
            let satisfied: Bool? =
                switch form.text("satisfied") {
                case "yes": true
                case "no": false
                default: nil
                }
            _ = try await ComplaintCaseQueries.transition(
                tenant: try context.requireTenant(), id: id, to: to, satisfied: satisfied, assignee: form.text("assignee"),
                comment: form.text("comment"), actor: principal.login, database: database)
        } catch {
            guard let (status, problems) = PageForm.fieldProblems(error) else { throw error }
            return try await casePage(request, context: context, errors: problems.map(\.description), status: status)
        }
        return PageResponse.redirect(to: Self.link(id))
    }

    /// The list page with the query's filters and page, and the create form (with `form` and its `problems` when shown again).
    private func listPage(
        _ request: Request, context: AppRequestContext, form: PageForm? = nil, problems: [Problem] = [], status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        var filter = try ComplaintController.reach(context)
        let principal = try context.requirePrincipal()
        let tenant = try context.requireTenant()
        let labels = renderer.labels(request)
        filter.state = PageTable.filter(request, "state").flatMap(CaseState.init(rawValue:))
        filter.outlet = PageTable.filter(request, "outlet")
        filter.offset = (PageTable.pageNumber(request) - 1) * Self.pageSize
        filter.limit = Self.pageSize
        let found = try await ComplaintCaseQueries.open(tenant: tenant, filter: filter, database: database)
        let pager = PageTable.pager(request, path: "/complaints", size: Self.pageSize, total: found.total)
        let now = Date()
        let draft = principal.may(.handleComplaints) ? Self.draft(form, problems: problems, labels: labels) : nil
        let view = ListView(
            states: [PageTable.Option(value: "", label: labels["complaints_all_states"] ?? "", selected: filter.state == nil)]
                + CaseState.allCases.filter { $0 != .closed }.map {
                    PageTable.Option(value: $0.rawValue, label: Self.state($0, labels), selected: $0 == filter.state)
                },
            outlet: filter.outlet ?? "", cases: found.cases.map { row($0, labels: labels, tenant: tenant, now: now) }, from: pager.from,
            to: pager.end, total: pager.total, previousPage: pager.previous, nextPage: pager.next, draft: draft)
        return renderer.page("complaints", title: "complaints_title", content: view, request: request, context: context, status: status)
    }

    /// The page of the case, with `errors` of a refused transition.
    private func casePage(
        _ request: Request, context: AppRequestContext, errors: [String] = [], status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let filter = try ComplaintController.reach(context)
        let principal = try context.requirePrincipal()
        let tenant = try context.requireTenant()
        let id = try ComplaintController.id(context)
        guard let found = try await ComplaintCaseQueries.get(tenant: tenant, id: id, filter: filter, database: database) else {
            throw StoreError.notFound("complaint \(id)")
        }
        let labels = renderer.labels(request)
        let zone = tenant.timeZone
        let state = { (raw: String?) in raw.flatMap(CaseState.init(rawValue:)).map { Self.state($0, labels) } ?? raw ?? "" }
        let log = try await ComplaintCaseQueries.transitions(tenant: tenant, id: id, database: database)
        let allowed = principal.may(.handleComplaints) ? ComplaintCases.transitions(from: found.state) : []
        let view = CaseView(
            row: row(found, labels: labels, tenant: tenant, now: Date()), assignee: found.assignee,
            firstResponse: found.firstResponseAt.map { Instant.format($0, in: zone) },
            resolved: found.resolvedAt.map { Instant.format($0, in: zone) },
            satisfied: found.satisfied.map { labels[$0 ? "complaint_satisfied_yes" : "complaint_satisfied_no"] ?? "\($0)" },
            escalatedAt: found.escalatedAt.map { Instant.format($0, in: zone) },
            transitions: log.map { step in
                Transition(
                    at: Instant.format(step.at, in: zone), actor: step.actor,
                    change: (step.from.map { "\(state($0)) → " } ?? "") + state(step.to), comment: step.comment)
            },
            canAssign: allowed.contains(.assigned), canFirstResponse: allowed.contains(.firstResponse), canResolve: allowed.contains(.resolved),
            canCallback: allowed.contains(.callback), canClose: allowed.contains(.closed), errors: errors)
        return renderer.page("complaint", title: "complaint_page_title", content: view, request: request, context: context, status: status)
    }

    private func row(_ found: ComplaintCase, labels: [String: String], tenant: Tenant, now: Date) -> Row {
        Row(
            id: found.id, link: Self.link(found.id), outlet: found.outlet, region: found.region,
            severity: labels["severity_\(found.severity.rawValue)"] ?? found.severity.rawValue, state: Self.state(found.state, labels),
            stateCode: found.state.rawValue, opened: Instant.format(found.openedAt, in: tenant.timeZone),
            deadline: Instant.format(found.deadline, in: tenant.timeZone), escalated: found.escalatedAt != nil,
            breached: ComplaintCases.breached(
                severity: found.severity, openedAt: found.openedAt, resolvedAt: found.resolvedAt, sla: tenant.sla, now: now))
    }

    /// The create form: empty, or what `form` posted with each of `problems` beside its field.
    private static func draft(_ form: PageForm?, problems: [Problem], labels: [String: String]) -> Draft {
        let fields = ["id", "outlet", "severity", "comment"]
        let field = { (name: String) in
            let messages = problems.filter { $0.path == name }.map(\.message)
            return Field(value: form?[name] ?? "", error: messages.isEmpty ? nil : messages.joined(separator: "; "))
        }
        let severity = form?["severity"] ?? Severity.medium.rawValue
        return Draft(
            id: field("id"), outlet: field("outlet"), severity: field("severity"),
            severities: Severity.allCases.map {
                PageTable.Option(value: $0.rawValue, label: labels["severity_\($0.rawValue)"] ?? $0.rawValue, selected: $0.rawValue == severity)
            },
            comment: field("comment"), errors: problems.filter { !fields.contains($0.path) }.map(\.description))
    }

    private static func state(_ state: CaseState, _ labels: [String: String]) -> String {
        labels["complaint_state_\(state.rawValue)"] ?? state.rawValue
    }

    static func link(_ id: String) -> String { "/complaints/\(PageLinks.encode(id))" }
}
