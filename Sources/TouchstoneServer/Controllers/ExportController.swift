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
        return try await export("audits", sheet: "Audits", tenant: tenant, period: period, xlsx: xlsx) { [database] rows in
            try await AuditExport.rows(tenant: tenant, period: period, template: template, database: database, into: rows)
        }
    }

    private func kpis(_ request: Request, context: AppRequestContext, xlsx: Bool) async throws -> Response {
        let (tenant, period) = try prepare(request, context)
        let level = try request.uri.queryParameters["level"].map { text -> KPILevel in
            guard let level = KPILevel(rawValue: String(text)) else { throw APIProblem.badRequest("level must be tenant, region, outlet or staff") }
            return level
        }
        return try await export("kpis", sheet: "KPIs", tenant: tenant, period: period, xlsx: xlsx) { [database] rows in
            try await KPIExport.rows(tenant: tenant, period: period, level: level, database: database, into: rows)
        }
    }

    private func payouts(_ request: Request, context: AppRequestContext, xlsx: Bool) async throws -> Response {
        let (tenant, period) = try prepare(request, context)
        let excel = request.uri.queryParameters["excel"] == "true"
        return try await export("payouts", sheet: "Payouts", tenant: tenant, period: period, xlsx: xlsx, excel: excel) { [database] rows in
            try await PayoutExport.rows(tenant: tenant, period: period, database: database, into: rows)
        }
    }

    /// The `export` of `period` as a streamed CSV (with `excel`: BOM and neutralised fields)
    /// or as a workbook whose data sheet is `sheet`.
    private func export(
        _ export: String, sheet: String, tenant: Tenant, period: Period, xlsx: Bool, excel: Bool = false,
        produce: @escaping @Sendable (any ExportRows) async throws -> Void
    ) async throws -> Response {
        guard xlsx else {
            return try await csv("\(export)-\(period).csv") { sink in
                try await produce(CSVRows(spreadsheet: excel, prefix: excel ? PayoutExport.byteOrderMark : "", output: sink))
            }
        }
        return try await WorkbookResponse.make(filename: "\(export)-\(period).xlsx", sheet: sheet, produce: produce) { [database] in
            try await ExportAbout.load(export: export, tenant: tenant, period: period, database: database)
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
