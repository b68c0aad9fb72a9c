import Foundation
public import Hummingbird
import TouchstoneCore
import TouchstoneStore

/// `/api/v1/visits`: visit plans. Head office lists every visit, an auditor its own, an agency
/// coordinator its agency's (``VisitScope``); an admin or a coordinator plans one visit, cancels
/// one and auto-assigns a period's planned visits (many are planned by the `visits` CSV import);
/// an auditor marks its visit started. `/api/v1/field/summary`: the period's field summary.
struct VisitController {
    let database: Database

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("visits", use: list)
        group.post("visits", use: create)
        group.post("visits/assign", use: assign)
        group.post("visits/:id/cancel", use: cancel)
        group.post("visits/:id/start", use: start)
        group.get("field/summary", use: summary)
    }

    /// `?period=&state=&auditor=&agency=&region=`: the visits whose window overlaps the period,
    /// by window start; open visits whose window ended expire first.
    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> VisitList {
        let principal = try context.require(.readVisits)
        guard let scope = VisitScope(principal, for: .readVisits) else { throw APIProblem.forbidden("Your role may not do this.") }
        let query = request.uri.queryParameters
        let period = try query["period"].map { try Self.period(String($0)) }
        let state = try query["state"].map { text -> VisitState in
            guard let state = VisitState(rawValue: String(text)) else {
                throw APIProblem.badRequest(
                    "unknown state \(text)",
                    details: [
                        ProblemDetail(path: "state", message: "one of \(VisitState.allCases.map(\.rawValue).joined(separator: ", "))")
                    ])
            }
            return state
        }
        let tenant = try context.requireTenant()
        let filter = VisitQueries.Filter(
            period: period, state: state, auditor: query["auditor"].map(String.init), agency: query["agency"].map(String.init),
            region: query["region"].map(String.init))
        return VisitList(
            items: try await VisitQueries.list(
                tenant: tenant, scope: scope, filter: filter, today: CivilDate(Date(), in: tenant.timeZone), database: database))
    }

    /// Plans one visit (the `visits` CSV import's checks; errors name the field).
    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<VisitRecord> {
        let principal = try context.require(.planVisits)
        guard let scope = VisitScope(principal, for: .planVisits) else { throw APIProblem.forbidden("Your role may not do this.") }
        let body = try await request.decode(as: VisitRequest.self, context: context)
        let visit = try await VisitQueries.create(tenant: try context.requireTenant(), scope: scope, visit: try body.visit(), database: database)
        return EditedResponse(status: .created, headers: [:], response: visit)
    }

    /// Cancels a visit (idempotent); a submitted or expired one is a conflict.
    @Sendable func cancel(_ request: Request, context: AppRequestContext) async throws -> VisitRecord {
        let principal = try context.require(.planVisits)
        guard let scope = VisitScope(principal, for: .planVisits) else { throw APIProblem.forbidden("Your role may not do this.") }
        return try await VisitQueries.cancel(
            tenant: try context.requireTenant(), scope: scope, visitID: try context.parameters.require("id"), database: database)
    }

    /// The calling auditor marks its visit started: `in_progress` (idempotent).
    @Sendable func start(_ request: Request, context: AppRequestContext) async throws -> VisitRecord {
        let principal = try context.require(.startVisits)
        let tenant = try context.requireTenant()
        return try await VisitQueries.start(
            tenant: tenant, auditor: principal.login, visitID: try context.parameters.require("id"),
            today: CivilDate(Date(), in: tenant.timeZone), database: database)
    }

    /// `?period=`: visits planned, done and expired by region and agency, and the flagged audits.
    @Sendable func summary(_ request: Request, context: AppRequestContext) async throws -> FieldSummaryResponse {
        try context.require(.readFieldSummary)
        guard let text = request.uri.queryParameters["period"] else {
            throw APIProblem.badRequest("period is required", details: [ProblemDetail(path: "period", message: "give ?period=YYYY-MM or YYYY-Qn")])
        }
        let tenant = try context.requireTenant()
        return FieldSummaryResponse(
            summary: try await FieldSummaryQueries.summary(
                tenant: tenant, period: try Self.period(String(text)), today: CivilDate(Date(), in: tenant.timeZone), database: database))
    }

    /// `?period=`: expires visits whose window ended, then assigns the period's planned visits.
    @Sendable func assign(_ request: Request, context: AppRequestContext) async throws -> VisitAssignmentResponse {
        let principal = try context.require(.planVisits)
        guard let scope = VisitScope(principal, for: .planVisits) else { throw APIProblem.forbidden("Your role may not do this.") }
        guard let text = request.uri.queryParameters["period"] else {
            throw APIProblem.badRequest("period is required", details: [ProblemDetail(path: "period", message: "give ?period=YYYY-MM or YYYY-Qn")])
        }
        let tenant = try context.requireTenant()
        let run = try await VisitQueries.assign(
            tenant: tenant, scope: scope, period: try Self.period(String(text)), today: CivilDate(Date(), in: tenant.timeZone), database: database)
        return VisitAssignmentResponse(
            period: run.period.description, expired: run.expired, assigned: run.assigned.count, unassigned: run.unassigned.count,
            visits: run.lines)
    }

    private static func period(_ text: String) throws -> Period {
        guard let period = Period(text) else {
            throw APIProblem.badRequest("period must be YYYY-MM or YYYY-Qn", details: [ProblemDetail(path: "period", message: "got \(text)")])
        }
        return period
    }
}

struct VisitList: ResponseEncodable {
    let items: [VisitRecord]
}

extension VisitRecord: ResponseEncodable {}

/// The body of `POST /api/v1/visits`; every field optional here so a missing one is a 422 naming it.
struct VisitRequest: Decodable {
    var id: String?
    var outlet: String?
    var template: String?
    var templateVersion: Int?
    var windowFrom: String?
    var windowTo: String?
    var auditor: String?
    var agency: String?

    func visit() throws -> NewVisit {
        let missing = [
            ("id", id == nil), ("outlet", outlet == nil), ("template", template == nil), ("templateVersion", templateVersion == nil),
            ("windowFrom", windowFrom == nil), ("windowTo", windowTo == nil),
        ].filter(\.1).map { Problem(path: $0.0, message: "\($0.0) is required") }
        if !missing.isEmpty { throw StoreError.invalid(missing) }
        return NewVisit(
            id: id!, outlet: outlet!, template: template!, templateVersion: templateVersion!, windowFrom: windowFrom!, windowTo: windowTo!,
            auditor: auditor, agency: agency)
    }
}

/// The field summary as the API answers it.
struct FieldSummaryResponse: ResponseEncodable {
    let summary: FieldSummary

    func encode(to encoder: any Encoder) throws { try summary.encode(to: encoder) }
}

struct VisitAssignmentResponse: ResponseEncodable {
    let period: String
    let expired: Int
    let assigned: Int
    let unassigned: Int
    let visits: [VisitAssignmentRun.Line]
}
