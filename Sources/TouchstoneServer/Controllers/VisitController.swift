import Foundation
import Hummingbird
import TouchstoneCore
import TouchstoneStore

/// `/api/v1/visits`: visit plans. Head office lists every visit, an auditor its own;
/// an admin auto-assigns a period's planned visits (visits are planned by the `visits` CSV import).
struct VisitController {
    let database: Database

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("visits", use: list)
        group.post("visits/assign", use: assign)
    }

    /// `?period=&state=&auditor=`: the visits whose window overlaps the period, by window start.
    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> VisitList {
        let principal = try context.require(.readVisits)
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
        var auditor = query["auditor"].map(String.init)
        if case .submitter(let login) = principal.reach(for: .readVisits) {
            // An auditor sees its own visits only: asking for another's finds none.
            if let asked = auditor, asked != login { return VisitList(items: []) }
            auditor = login
        }
        return VisitList(
            items: try await VisitQueries.list(
                tenant: try context.requireTenant(), period: period, state: state, auditor: auditor, database: database))
    }

    /// `?period=`: expires visits whose window ended, then assigns the period's planned visits.
    @Sendable func assign(_ request: Request, context: AppRequestContext) async throws -> VisitAssignmentResponse {
        try context.require(.planVisits)
        guard let text = request.uri.queryParameters["period"] else {
            throw APIProblem.badRequest("period is required", details: [ProblemDetail(path: "period", message: "give ?period=YYYY-MM or YYYY-Qn")])
        }
        let tenant = try context.requireTenant()
        let run = try await VisitQueries.assign(
            tenant: tenant, period: try Self.period(String(text)), today: CivilDate(Date(), in: tenant.timeZone), database: database)
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

struct VisitAssignmentResponse: ResponseEncodable {
    let period: String
    let expired: Int
    let assigned: Int
    let unassigned: Int
    let visits: [VisitAssignmentRun.Line]
}
