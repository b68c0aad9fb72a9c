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
        return try await csv("audits-\(period).csv") { [database] sink in
            try await AuditExport.write(tenant: tenant, period: period, template: template, database: database) { sink($0) }
        }
    }

    @Sendable func kpis(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (tenant, period) = try prepare(request, context)
        let level = try request.uri.queryParameters["level"].map { text -> KPILevel in
            guard let level = KPILevel(rawValue: String(text)) else { throw APIProblem.badRequest("level must be tenant, region, outlet or staff") }
            return level
        }
        return try await csv("kpis-\(period).csv") { [database] sink in
            try await KPIExport.write(tenant: tenant, period: period, level: level, database: database, to: sink)
        }
    }

    @Sendable func payouts(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (tenant, period) = try prepare(request, context)
        let excel = request.uri.queryParameters["excel"] == "true"
        return try await csv("payouts-\(period).csv") { [database] sink in
            try await PayoutExport.write(tenant: tenant, period: period, excel: excel, database: database, to: sink)
        }
    }

    /// Head office only; `?period=` is required.
    private func prepare(_ request: Request, _ context: AppRequestContext) throws -> (Tenant, Period) {
        try context.require(.export)
        guard let text = request.uri.queryParameters["period"], let period = Period(String(text)) else {
            throw APIProblem.badRequest("period is required: YYYY-MM or YYYY-Qn", details: [ProblemDetail(path: "period", message: "missing or malformed")])
        }
        return (try context.requireTenant(), period)
    }

    /// A streamed CSV response whose lines `produce` hands to its sink. At most a few chunks are
    /// in flight (the database thread waits for the client), so any export streams in constant
    /// memory; the response starts once the header line exists, so a failure before it (an
    /// unknown or ambiguous template) is answered as a problem, not a truncated 200.
    private func csv(_ filename: String, _ produce: @escaping @Sendable (@escaping @Sendable (String) -> Void) async throws -> Void) async throws -> Response {
        let pipe = LinePipe()
        Task {
            do {
                try await produce { pipe.send($0) }
                pipe.finish()
            } catch {
                pipe.finish(throwing: error)
            }
        }
        let header = try await pipe.next()
        var headers = HTTPFields()
        headers[.contentType] = "text/csv; charset=utf-8"
        headers[.contentDisposition] = "attachment; filename=\"\(filename)\""
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            defer { pipe.cancel() }
            if let header { try await writer.write(header) }
            while let chunk = try await pipe.next() {
                try await writer.write(chunk)
            }
            try await writer.finish(nil)
        })
    }
}
