import Hummingbird
import NIOCore
import TouchstoneCore
import TouchstoneStore

/// `/api/v1/exports/*.csv`: the CSV exports of formats.md for head office, streamed as the
/// rows come from the database rather than built in memory; `*.xlsx`: the same rows as a
/// workbook (``WorkbookResponse``).
struct ExportController {
    let database: Database

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("exports/audits.csv", use: audits)
        group.get("exports/kpis.csv", use: kpis)
        group.get("exports/payouts.csv", use: payouts)
        group.get("exports/audits.xlsx") { try await audits($0, context: $1, xlsx: true) }
        group.get("exports/kpis.xlsx") { try await kpis($0, context: $1, xlsx: true) }
        group.get("exports/payouts.xlsx") { try await payouts($0, context: $1, xlsx: true) }
    }

    @Sendable func audits(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await audits(request, context: context, xlsx: false)
    }

    @Sendable func kpis(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await kpis(request, context: context, xlsx: false)
    }

    @Sendable func payouts(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await payouts(request, context: context, xlsx: false)
    }

    private func audits(_ request: Request, context: AppRequestContext, xlsx: Bool) async throws -> Response {
        let (tenant, period) = try prepare(request, context)
        let template = request.uri.queryParameters["template"].map(String.init)
        return try await ExportResponses.audits(
            tenant: tenant, period: period, template: template, flags: try ExportResponses.flagsParameter(request), xlsx: xlsx,
            database: database)
    }

    private func kpis(_ request: Request, context: AppRequestContext, xlsx: Bool) async throws -> Response {
        let (tenant, period) = try prepare(request, context)
        let level = try request.uri.queryParameters["level"].map { text -> KPILevel in
            guard let level = KPILevel(rawValue: String(text)) else { throw APIProblem.badRequest("level must be tenant, region, outlet or staff") }
            return level
        }
        return try await ExportResponses.kpis(tenant: tenant, period: period, level: level, xlsx: xlsx, database: database)
    }

    private func payouts(_ request: Request, context: AppRequestContext, xlsx: Bool) async throws -> Response {
        let (tenant, period) = try prepare(request, context)
        let excel = request.uri.queryParameters["excel"] == "true"
        return try await ExportResponses.payouts(tenant: tenant, period: period, xlsx: xlsx, excel: excel, database: database)
    }

    /// Head office only; `?period=` is required.
    private func prepare(_ request: Request, _ context: AppRequestContext) throws -> (Tenant, Period) {
        try context.require(.export)
        guard let text = request.uri.queryParameters["period"], let period = Period(String(text)) else {
            throw APIProblem.badRequest(
                "period is required: YYYY-MM or YYYY-Qn", details: [ProblemDetail(path: "period", message: "missing or malformed")])
        }
        return (try context.requireTenant(), period)
    }

}
