import Foundation
import Hummingbird
import TouchstoneCore
import TouchstoneStore

/// `/api/v1/payouts`, `/api/v1/periods/{period}/approve|close` and `/api/v1/plans`:
/// incentive plans, payouts with their explanations, approval and closing.
/// Head office sees every payout; staff see their own; closing is for admins.
struct PayoutController {
    let database: Database

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("payouts", use: list)
        group.get("payouts/:employeeNo/explanation", use: explanation)
        group.post("periods/:period/approve", use: approve)
        group.post("periods/:period/close", use: close)
        group.get("plans", use: plans)
        group.post("plans", use: addPlan)
    }

    /// One payout row; money and scores as strings (`"1976.89"`, `"92.6667"`).
    struct PayoutJSON: ResponseEncodable {
        let period: String
        let employeeNo: String
        let name: String
        let plan: String
        let planVersion: Int
        let adjustsPeriod: String?
        let proratedTarget: String
        let scorePct: String
        let payout: String
        let currency: String
        let note: String
        let approvedBy: String?
        let approvedAt: Date?

        init(_ row: PayoutRow) {
            period = row.period
            employeeNo = row.employeeNo
            name = row.name
            plan = row.plan
            planVersion = row.planVersion
            adjustsPeriod = row.adjustsPeriod
            proratedTarget = row.proratedTarget.fixed(2)
            scorePct = row.scorePct.fixed(4)
            payout = row.payout.fixed(2)
            currency = row.currency
            note = row.note
            approvedBy = row.approvedBy
            approvedAt = row.approvedAt
        }
    }

    struct PayoutList: ResponseEncodable {
        let items: [PayoutJSON]
    }

    struct Approved: ResponseEncodable {
        let period: String
        let approvedRows: Int
    }

    struct PlanList: ResponseEncodable {
        let items: [StoredPlan]
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> PayoutList {
        let principal = try context.requirePrincipal()
        let period = try Self.period(request.uri.queryParameters["period"].map(String.init))
        try principal.require(.readPayouts)
        let employeeNo = principal.may(.readPayouts, on: .tenant) ? nil : principal.employeeNo ?? ""
        let rows = try await PayoutQueries.list(tenant: try context.requireTenant(), period: period, employeeNo: employeeNo, database: database)
        return PayoutList(items: rows.map(PayoutJSON.init))
    }

    /// The stored explanations (``PayoutExplanation`` JSON), one per plan or adjustment row, as an array.
    @Sendable func explanation(_ request: Request, context: AppRequestContext) async throws -> Response {
        let employeeNo = try context.parameters.require("employeeNo")
        let period = try Self.period(request.uri.queryParameters["period"].map(String.init))
        try context.require(.readPayouts)
        try context.require(.readPayouts, on: .employee(employeeNo, assignedTo: []), missing: "payout of \(employeeNo) in \(period)")
        let json = try await PayoutQueries.explanationJSON(
            tenant: try context.requireTenant(), period: period, employeeNo: employeeNo, database: database)
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: "[" + json.joined(separator: ",") + "]")))
    }

    @Sendable func approve(_ request: Request, context: AppRequestContext) async throws -> Approved {
        try context.require(.approvePeriod)
        let period = try Self.period(context.parameters.get("period"))
        let count = try await PayrollActions.approve(period, context: context, database: database)
        return Approved(period: period.description, approvedRows: count)
    }

    @Sendable func close(_ request: Request, context: AppRequestContext) async throws -> PeriodStatus {
        try context.require(.closePeriod)
        let period = try Self.period(context.parameters.get("period"))
        return try await PayrollActions.close(period, context: context, database: database)
    }

    @Sendable func plans(_ request: Request, context: AppRequestContext) async throws -> PlanList {
        try context.require(.readPlans)
        return PlanList(items: try await PlanQueries.list(tenant: try context.requireTenant(), database: database))
    }

    /// 201 with the new version, or 200 when the body equals the latest version.
    @Sendable func addPlan(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<PlanAddResult> {
        try context.require(.definePlans)
        var request = request
        let body = try await request.collectBody(upTo: context.maxBodySize)
        let result = try await PlanQueries.add(
            tenant: try context.requireTenant(), json: Data(body.readableBytesView), database: database)
        return EditedResponse(status: result.outcome == PlanAddResult.Outcome.created ? HTTPResponse.Status.created : .ok, response: result)
    }

    static func period(_ text: String?) throws -> Period {
        guard let text else {
            throw APIProblem.badRequest("period is required", details: [ProblemDetail(path: "period", message: "YYYY-MM or YYYY-Qn")])
        }
        guard let period = Period(text) else {
            throw APIProblem.badRequest("period must be YYYY-MM or YYYY-Qn", details: [ProblemDetail(path: "period", message: "got \(text)")])
        }
        return period
    }
}
