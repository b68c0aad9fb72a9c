import Foundation
import Hummingbird
import TouchstoneCore
import TouchstoneStore

/// `GET /api/v1/exports/audits.csv?period=P[&template=C]`: the audits export of formats.md
/// (head office), streamed row by row as the database produces them.
struct AuditExportController {
    let database: Database

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("exports/audits.csv", use: export)
    }

    @Sendable func export(_ request: Request, context: AppRequestContext) async throws -> Response {
        try context.requireRole(\.isHeadOffice)
        let tenant = try context.requireTenant()
        let query = request.uri.queryParameters
        guard let periodText = query["period"] else {
            throw APIProblem.badRequest("period is required (YYYY-MM or YYYY-Qn)", details: [ProblemDetail(path: "period", message: "missing")])
        }
        let period = try AuditController.period(String(periodText))
        let template = query["template"].map(String.init)
        let pipe = LinePipe()
        let database = database
        Task {
            do {
                try await AuditExport.write(tenant: tenant, period: period, template: template, database: database) { try pipe.send($0) }
                pipe.finish()
            } catch {
                pipe.finish(throwing: error)
            }
        }
        // Wait for the header line, so a failure before any row (unknown or ambiguous template)
        // is answered as a problem rather than a truncated 200.
        let header = try await pipe.next()
        let body = ResponseBody { writer in
            defer { pipe.cancel() }
            if let header { try await writer.write(header) }
            while let chunk = try await pipe.next() {
                try await writer.write(chunk)
            }
            try await writer.finish(nil)
        }
        let filename = "audits-\(period)\(template.map { "-" + $0 } ?? "").csv"
        return Response(
            status: .ok,
            headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(filename)\""],
            body: body)
    }
}
