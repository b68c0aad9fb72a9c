import Hummingbird
import NIOCore
import TouchstoneCore
import TouchstoneStore

/// The export downloads (formats.md) as responses, for the API's exports and the pages' download
/// links alike: a CSV streamed as the rows come from the database, or the same rows as a
/// workbook (``WorkbookResponse``) whose sheets are named from `labels` (a page's catalogue:
/// `sheet_<export>`, `sheet_about`; English without). Callers check the caller's access first.
enum ExportResponses {
    /// The payouts export of `period` (`payouts-<period>.csv` or `.xlsx`).
    static func payouts(
        tenant: Tenant, period: Period, xlsx: Bool, excel: Bool, labels: [String: String] = [:], database: Database
    ) async throws -> Response {
        try await export(
            "payouts", sheet: "Payouts", tenant: tenant, period: period, xlsx: xlsx, excel: excel, labels: labels, database: database
        ) { rows in
            try await PayoutExport.rows(tenant: tenant, period: period, database: database, into: rows)
        }
    }

    /// The audits export of `period` (`audits-<period>.csv` or `.xlsx`), of `template` or the
    /// period's only one; with `flags`, the opt-in last column `flags`.
    static func audits(
        tenant: Tenant, period: Period, template: String?, flags: Bool = false, xlsx: Bool, labels: [String: String] = [:],
        database: Database
    ) async throws -> Response {
        try await export("audits", sheet: "Audits", tenant: tenant, period: period, xlsx: xlsx, labels: labels, database: database) { rows in
            try await AuditExport.rows(tenant: tenant, period: period, template: template, flags: flags, database: database, into: rows)
        }
    }

    /// Whether `?flags=` asks for the flags column: `true` or `false` (absent: false).
    /// - Throws: ``APIProblem`` at `flags` for anything else.
    static func flagsParameter(_ request: Request) throws -> Bool {
        guard let text = request.uri.queryParameters["flags"] else { return false }
        switch text {
        case "true": return true
        case "false": return false
        default:
            throw APIProblem.badRequest("flags must be true or false", details: [ProblemDetail(path: "flags", message: "got \(text)")])
        }
    }

    /// The KPI export of `period` (`kpis-<period>.csv` or `.xlsx`), of one level or all.
    static func kpis(
        tenant: Tenant, period: Period, level: KPILevel?, xlsx: Bool, labels: [String: String] = [:], database: Database
    ) async throws -> Response {
        try await export("kpis", sheet: "KPIs", tenant: tenant, period: period, xlsx: xlsx, labels: labels, database: database) { rows in
            try await KPIExport.rows(tenant: tenant, period: period, level: level, database: database, into: rows)
        }
    }

    /// An export that is not of a period (`<export>.csv` or `.xlsx`), its About sheet without period fields.
    static func undated(
        _ export: String, sheet: String, tenant: Tenant, xlsx: Bool, labels: [String: String],
        produce: @escaping @Sendable (any ExportRows) async throws -> Void
    ) async throws -> Response {
        guard xlsx else {
            return try await csv("\(export).csv") { sink in try await produce(CSVRows(output: sink)) }
        }
        return try await WorkbookResponse.make(
            filename: "\(export).xlsx", sheet: labels["sheet_\(export)"] ?? sheet, aboutSheet: labels["sheet_about"] ?? "About",
            produce: produce
        ) { ExportAbout.undated(export: export, tenant: tenant) }
    }

    /// The `export` of `period` as a streamed CSV (with `excel`: BOM and neutralised fields)
    /// or as a workbook whose data sheet is `labels["sheet_<export>"]`, else `sheet`.
    private static func export(
        _ export: String, sheet: String, tenant: Tenant, period: Period, xlsx: Bool, excel: Bool = false, labels: [String: String],
        database: Database,
        produce: @escaping @Sendable (any ExportRows) async throws -> Void
    ) async throws -> Response {
        guard xlsx else {
            return try await csv("\(export)-\(period).csv") { sink in
                try await produce(CSVRows(spreadsheet: excel, prefix: excel ? PayoutExport.byteOrderMark : "", output: sink))
            }
        }
        return try await WorkbookResponse.make(
            filename: "\(export)-\(period).xlsx", sheet: labels["sheet_\(export)"] ?? sheet, aboutSheet: labels["sheet_about"] ?? "About",
            produce: produce
        ) {
            try await ExportAbout.load(export: export, tenant: tenant, period: period, database: database)
        }
    }

    /// A streamed CSV response whose lines `produce` hands to its sink. At most a few chunks are
    /// in flight (the database thread waits for the client), so any export streams in constant
    /// memory; the response starts once the header line exists, so a failure before it (an
    /// unknown or ambiguous template) is answered as a problem, not a truncated 200.
    private static func csv(
        _ filename: String, _ produce: @escaping @Sendable (@escaping @Sendable (String) -> Void) async throws -> Void
    ) async throws -> Response {
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
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody { writer in
                defer { pipe.cancel() }
                if let header { try await writer.write(header) }
                while let chunk = try await pipe.next() {
                    try await writer.write(chunk)
                }
                try await writer.finish(nil)
            })
    }
}
