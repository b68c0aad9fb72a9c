import Foundation
import Hummingbird
import TouchstoneCore
import TouchstoneStore

/// `/api/v1/actions`: corrective actions (docs/actions.md). Lists and reads within the caller's
/// reach, opening by hand (head office, region managers), steps with a comment and evidence,
/// the board by region, the due-day settings, and the CSV/xlsx export.
struct ActionController {
    let database: Database

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("actions", use: list)
        group.post("actions", use: open)
        group.get("actions/board", use: board)
        group.get("actions/settings", use: settings)
        group.put("actions/settings", use: changeSettings)
        group.get("actions/{id}", use: get)
        group.post("actions/{id}/transitions", use: transition)
        group.get("actions/{id}/evidence/{name}", use: evidence)
        group.get("exports/actions.csv") { try await export($0, context: $1, xlsx: false) }
        group.get("exports/actions.xlsx") { try await export($0, context: $1, xlsx: true) }
    }

    private func desk(_ context: AppRequestContext, _ action: Action) throws -> ActionDesk {
        let principal = try context.require(action)
        return ActionDesk(database: database, tenant: try context.requireTenant(), principal: principal)
    }

    /// `?outlet=&region=&state=&source=&overdue=&after=&limit=`.
    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> ActionList {
        let desk = try desk(context, .readActions)
        var filter = try Self.filter(request)
        let pagination = try Pagination(request)
        if let after = pagination.after {
            guard let id = Int64(after) else {
                throw APIProblem.badRequest("after must be an action id", details: [ProblemDetail(path: "after", message: "got \(after)")])
            }
            filter.after = id
        }
        filter.limit = pagination.limit
        let items = try await desk.list(filter)
        return ActionList(items: items, next: items.count == pagination.limit ? items.last.map { String($0.id) } : nil)
    }

    @Sendable func get(_ request: Request, context: AppRequestContext) async throws -> ActionRecord {
        try await desk(context, .readActions).get(try Self.id(context))
    }

    @Sendable func board(_ request: Request, context: AppRequestContext) async throws -> ActionBoard {
        ActionBoard(regions: try await desk(context, .readActions).board())
    }

    @Sendable func open(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<ActionRecord> {
        let desk = try desk(context, .openActions)
        let body = try await request.decode(as: OpenRequest.self, context: context)
        var dueAt: Date?
        if let text = body.dueAt {
            guard let due = Instant.parse(text) else {
                throw APIProblem.validationFailed([ProblemDetail(path: "dueAt", message: "\"\(text)\" is not an instant with an offset")])
            }
            dueAt = due
        }
        let action = try await desk.open(
            ManualAction(outlet: body.outlet, title: body.title, severity: body.severity ?? .medium, owner: body.owner, dueAt: dueAt))
        return EditedResponse(status: .created, response: action)
    }

    @Sendable func transition(_ request: Request, context: AppRequestContext) async throws -> ActionRecord {
        let desk = try desk(context, .readActions)
        let body = try await request.decode(as: TransitionRequest.self, context: context)
        if let permission = body.step.permission { try context.require(permission) }
        var photos: [ActionPhoto] = []
        var problems: [ProblemDetail] = []
        for (i, file) in (body.evidence ?? []).enumerated() {
            guard let content = Data(base64Encoded: file.content) else {
                problems.append(ProblemDetail(path: "evidence[\(i)].content", message: "is not base64"))
                continue
            }
            photos.append(ActionPhoto(name: file.name, contentType: file.contentType, content: content))
        }
        guard problems.isEmpty else { throw APIProblem.validationFailed(problems) }
        return try await desk.take(body.step, on: try Self.id(context), comment: body.comment, evidence: photos)
    }

    @Sendable func evidence(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await desk(context, .readActions).evidence(try Self.id(context), name: try context.parameters.require("name"))
    }

    @Sendable func settings(_ request: Request, context: AppRequestContext) async throws -> ActionSettings {
        try context.require(.readActions)
        return ActionSettings(try await ActionQueries.dueDays(tenant: try context.requireTenant(), database: database))
    }

    @Sendable func changeSettings(_ request: Request, context: AppRequestContext) async throws -> ActionSettings {
        try context.require(.configureActions)
        let body = try await request.decode(as: ActionSettings.self, context: context)
        let changes = body.dueDays.map { (source: $0.source, severity: $0.severity, days: $0.days) }
        return ActionSettings(try await ActionQueries.setDueDays(tenant: try context.requireTenant(), changes, database: database))
    }

    private func export(_ request: Request, context: AppRequestContext, xlsx: Bool) async throws -> Response {
        let principal = try context.require(.export)
        let desk = ActionDesk(database: database, tenant: try context.requireTenant(), principal: principal)
        return try await desk.export(try Self.filter(request), xlsx: xlsx)
    }

    /// The list filters of the query (`outlet`, `region`, `state` (comma-separated), `source`, `overdue`).
    static func filter(_ request: Request) throws -> ActionFilter {
        let query = request.uri.queryParameters
        var filter = ActionFilter()
        filter.outlet = query["outlet"].map(String.init)
        filter.within = query["region"].map(String.init)
        if let text = query["state"] {
            filter.states = try text.split(separator: ",").map { part in
                guard let state = ActionState(rawValue: String(part)) else {
                    throw APIProblem.badRequest(
                        "unknown state \(part)",
                        details: [ProblemDetail(path: "state", message: "one of \(ActionState.allCases.map(\.rawValue).joined(separator: ", "))")])
                }
                return state
            }
        }
        if let text = query["source"] {
            guard let source = ActionSource(rawValue: String(text)) else {
                throw APIProblem.badRequest(
                    "unknown source \(text)",
                    details: [ProblemDetail(path: "source", message: "one of \(ActionSource.allCases.map(\.rawValue).joined(separator: ", "))")])
            }
            filter.source = source
        }
        if let text = query["overdue"] {
            guard text == "true" || text == "false" else {
                throw APIProblem.badRequest("overdue must be true or false", details: [ProblemDetail(path: "overdue", message: "got \(text)")])
            }
            filter.overdue = text == "true"
        }
        return filter
    }

    static func id(_ context: AppRequestContext) throws -> Int64 {
        let text = try context.parameters.require("id")
        guard let id = Int64(text), id > 0 else { throw StoreError.notFound("action \(text)") }
        return id
    }
}

struct ActionList: ResponseEncodable {
    let items: [ActionRecord]
    let next: String?
}

struct ActionBoard: ResponseEncodable {
    let regions: [ActionBoardLine]
}

/// The due days per source × severity.
struct ActionSettings: ResponseCodable {
    struct Line: Codable {
        let source: ActionSource
        let severity: Severity
        let days: Int
    }

    let dueDays: [Line]

    init(_ days: ActionDueDays) {
        dueDays = days.rows.map { Line(source: $0.source, severity: $0.severity, days: $0.days) }
    }
}

struct OpenRequest: Decodable {
    let outlet: String
    let title: String
    let severity: Severity?
    let owner: String?
    let dueAt: String?
}

struct TransitionRequest: Decodable {
    struct File: Decodable {
        let name: String
        let contentType: String
        /// Base64.
        let content: String
    }

    let step: ActionStep
    let comment: String?
    let evidence: [File]?
}
