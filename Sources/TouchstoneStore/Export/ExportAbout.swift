public import Foundation
import PQ
public import TouchstoneCore

/// What an exported workbook is (its second sheet): export, tenant, period, the period's
/// latest batch run, its results hash once closed, when it was generated.
public struct ExportAbout: Sendable {
    /// `(field, value)` in order.
    public internal(set) var fields: [(String, ExportCell)]

    /// Adds a field (a filter of the export, say).
    public mutating func append(_ field: String, _ value: ExportCell) {
        fields.append((field, value))
    }

    /// The description of the `export` of `period` as of now.
    public static func load(export: String, tenant: Tenant, period: Period, database: Database, now: Date = Date()) async throws -> ExportAbout {
        let job = try await BatchJobQueries.list(tenant: tenant, period: period, limit: 1, database: database).first
        let status = try await PeriodQueries.status(tenant: tenant, period: period, database: database)
        var about = ExportAbout(fields: [
            ("export", .text(export)), ("tenant", .text(tenant.code)), ("tenant_name", .text(tenant.name)),
            ("period", .text(period.description)), ("period_state", .text(status.state)), ("time_zone", .text(tenant.timezone)),
        ])
        if let job {
            about.append("batch_job", .integer(Int(job.id)))
            about.append("batch_state", .text(job.state.rawValue))
        }
        if let hash = status.resultsHash { about.append("results_hash", .text(hash)) }
        about.append("generated_at", .instant(now, tenant.timeZone))
        return about
    }
}
