import Foundation
import Logging
import TouchstoneCore
import TouchstoneStore

/// The demo's field work: this month's visits of the demo auditor (`auditor`, ``DemoUsers``)
/// to the first outlets, on the demo's template, imported as a head office would (visits.csv).
/// Re-running keeps them; a visit already started or submitted is left as it is.
enum DemoVisits {
    static let auditor = "auditor"
    static let outlets = 3

    static func plan(tenant: Tenant, database: Database, logger: Logger, today: Date = Date()) async throws {
        guard let template = try await TemplateQueries.list(tenant: tenant, database: database).last else { return }
        let outlets = try await OutletQueries.list(tenant: tenant, after: nil, limit: outlets, database: database).items
        let month = Period.containing(today, kind: .month, in: tenant.timeZone)
        var csv = "visit_id,outlet_code,template,template_version,window_from,window_to,auditor\n"
        for outlet in outlets {
            csv += "FIELD-\(month)-\(outlet.code),\(outlet.code),\(template.code),\(template.version),\(month.firstDay),\(month.lastDay),\(auditor)\n"
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("touchstone-demo-visits-\(UUID().uuidString).csv")
        try Data(csv.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        do {
            let report = try await importCSV(.visits, file: file, tenant: tenant, database: database)
            logger.info("planned demo visits", metadata: ["rows": "\(report.rows)", "inserted": "\(report.inserted)"])
        } catch {
            logger.warning("demo visits kept as they are", metadata: ["reason": "\(error)"])
        }
    }
}
