import Hummingbird
import NIOCore
import TouchstoneCore
import TouchstoneStore

/// `/api/v1/exports/*.csv`: the CSV exports of formats.md for head office, streamed as the
/// rows come from the database rather than built in memory.
struct ExportController {
    let database: Database

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("exports/audits.csv", use: audits)
        group.get("exports/kpis.csv", use: kpis)
        group.get("exports/payouts.csv", use: payouts)
    }

    @Sendable func audits(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (tenant, period) = try prepare(request, context)
        let template = request.uri.queryParameters["template"].map(String.init)
        return csv("audits-\(period).csv") { [database] sink in
            try await AuditExport.write(tenant: tenant, period: period, template: template, database: database) { sink($0) }
        }
    }

    @Sendable func kpis(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (tenant, period) = try prepare(request, context)
        let level = try request.uri.queryParameters["level"].map { text -> KPILevel in
            guard let level = KPILevel(rawValue: String(text)) else { throw APIProblem.badRequest("level must be tenant, region, outlet or staff") }
            return level
        }
        return csv("kpis-\(period).csv") { [database] sink in
            try await KPIExport.write(tenant: tenant, period: period, level: level, database: database, to: sink)
        }
    }

    @Sendable func payouts(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (tenant, period) = try prepare(request, context)
        let excel = request.uri.queryParameters["excel"] == "true"
        return csv("payouts-\(period).csv") { [database] sink in
            try await PayoutExport.write(tenant: tenant, period: period, excel: excel, database: database, to: sink)
        }
    }

    /// Head office only; `?period=` is required.
    private func prepare(_ request: Request, _ context: AppRequestContext) throws -> (Tenant, Period) {
        try context.requireRole { $0.isHeadOffice }
        guard let text = request.uri.queryParameters["period"], let period = Period(String(text)) else {
            throw APIProblem.badRequest("period is required: YYYY-MM or YYYY-Qn", details: [ProblemDetail(path: "period", message: "missing or malformed")])
        }
        return (try context.requireTenant(), period)
    }

    /// A streamed CSV response whose lines `produce` hands to its sink.
    private func csv(_ filename: String, _ produce: @escaping @Sendable (@escaping @Sendable (String) -> Void) async throws -> Void) -> Response {
        let (lines, continuation) = AsyncThrowingStream.makeStream(of: ByteBuffer.self)
        let producer = Task {
            do {
                try await produce { continuation.yield(ByteBuffer(string: $0)) }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in producer.cancel() }
        var headers = HTTPFields()
        headers[.contentType] = "text/csv; charset=utf-8"
        headers[.contentDisposition] = "attachment; filename=\"\(filename)\""
        return Response(status: .ok, headers: headers, body: ResponseBody(asyncSequence: lines))
    }
}
