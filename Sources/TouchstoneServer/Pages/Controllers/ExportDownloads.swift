import Hummingbird
import TouchstoneCore
import TouchstoneStore

/// `/exports/audits.csv|.xlsx` and `/exports/kpis.csv|.xlsx?period=`: the audit and KPI exports
/// for head office, linked from the overview (the payouts are on the payroll page, the league
/// on its own). The same files as the API's `/api/v1/exports/…`, behind the page session.
struct ExportDownloads {
    let database: Database
    /// Names the workbooks' sheets in the caller's language.
    let renderer: PageRenderer

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("exports/audits.csv") { try await audits($0, context: $1, xlsx: false) }
        group.get("exports/audits.xlsx") { try await audits($0, context: $1, xlsx: true) }
        group.get("exports/kpis.csv") { try await kpis($0, context: $1, xlsx: false) }
        group.get("exports/kpis.xlsx") { try await kpis($0, context: $1, xlsx: true) }
    }

    /// The period's audits (of `?template=`, or the period's only template).
    func audits(_ request: Request, context: AppRequestContext, xlsx: Bool) async throws -> Response {
        let (tenant, period) = try await prepare(request, context)
        let template = request.uri.queryParameters["template"].map(String.init)
        return try await ExportResponses.audits(
            tenant: tenant, period: period, template: template, flags: try ExportResponses.flagsParameter(request), xlsx: xlsx,
            labels: renderer.labels(request), database: database)
    }

    /// The period's KPI values at every level.
    func kpis(_ request: Request, context: AppRequestContext, xlsx: Bool) async throws -> Response {
        let (tenant, period) = try await prepare(request, context)
        return try await ExportResponses.kpis(
            tenant: tenant, period: period, level: nil, xlsx: xlsx, labels: renderer.labels(request), database: database)
    }

    private func prepare(_ request: Request, _ context: AppRequestContext) async throws -> (Tenant, Period) {
        try context.require(.export)
        let tenant = try context.requireTenant()
        return (tenant, try await PagePeriod.of(request, tenant: tenant, database: database))
    }
}
