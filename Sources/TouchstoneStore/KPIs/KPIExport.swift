import Foundation
import PQ
public import TouchstoneCore

/// `touchstone export kpis` (formats.md "Exports"): `period,level,subject,kpi,value,n,status`,
/// value rounded half-up to 2 decimals, sorted by level (tenant, region, outlet, staff), then
/// subject, then KPI code (code-point order), streamed row by row.
public enum KPIExport {
    /// The header line's columns.
    public static let columns = ["period", "level", "subject", "kpi", "value", "n", "status"]

    /// Writes the CSV of `period` (only `level` when given) to `sink`, one line at a time
    /// (called on the database thread, header first).
    public static func write(
        tenant: Tenant, period: Period, level: KPILevel? = nil, database: Database, to sink: @escaping @Sendable (String) -> Void
    ) async throws {
        try await rows(tenant: tenant, period: period, level: level, database: database, into: CSVRows(output: sink))
    }

    /// The export's typed rows, header first, into `rows` (a CSV or a workbook writer).
    public static func rows(tenant: Tenant, period: Period, level: KPILevel? = nil, database: Database, into rows: any ExportRows) async throws {
        try await database.tenantTransaction(tenant, readOnly: true) { conn in
            try rows.header(columns)
            let periodText = period.description
            try conn.forEachRow(
                """
                SELECT level, subject, kpi_code, round(value, 2), n, status FROM kpi_results
                WHERE period = \(periodText) AND (\(level?.rawValue)::text IS NULL OR level = \(level?.rawValue))
                ORDER BY array_position(ARRAY['tenant', 'region', 'outlet', 'staff'], level),
                         subject COLLATE "C", kpi_code COLLATE "C"
                """
            ) { row in
                let (level, subject, kpi, value, n, status) = try row.decode((String, String, String, Decimal, Int, String).self)
                try rows.row([
                    .text(periodText), .text(level), .text(subject), .text(kpi), .decimal(value, places: 2), .integer(n), .text(status),
                ])
            }
        }
    }
}
