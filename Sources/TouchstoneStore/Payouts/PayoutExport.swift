import Foundation
import PQ
public import TouchstoneCore

/// `touchstone export payouts` (formats.md "Exports"):
/// `period,employee_no,name,plan,prorated_target,score_pct,payout,currency,note`,
/// score 4 decimals, money 2, half-up; sorted by employee number then plan (code-point
/// order; a plan's adjustment rows follow its own row), streamed row by row.
public enum PayoutExport {
    /// The header line's columns.
    public static let columns = ["period", "employee_no", "name", "plan", "prorated_target", "score_pct", "payout", "currency", "note"]

    /// The UTF-8 byte order mark `--excel` starts the file with.
    public static let byteOrderMark = "\u{FEFF}"

    /// Writes the CSV of `period` to `sink`, one line at a time (called on the database
    /// thread, header first; with `excel`, the header is preceded by the BOM and cells that
    /// would start a formula are neutralised, ``CSVWriter/neutralised(_:)``).
    public static func write(
        tenant: Tenant, period: Period, excel: Bool = false, database: Database,
        to sink: @escaping @Sendable (String) -> Void
    ) async throws {
        try await rows(
            tenant: tenant, period: period, database: database,
            into: CSVRows(spreadsheet: excel, prefix: excel ? byteOrderMark : "", output: sink))
    }

    /// The export's typed rows, header first, into `rows` (a CSV or a workbook writer).
    public static func rows(tenant: Tenant, period: Period, database: Database, into rows: any ExportRows) async throws {
        try await database.tenantTransaction(tenant, readOnly: true) { conn in
            try rows.header(columns)
            try conn.forEachRow(
                """
                SELECT \(fragment: PayoutQueries.columns) FROM payouts WHERE period = \(period.description)
                ORDER BY \(fragment: PayoutQueries.order)
                """
            ) { row in
                let p = try PayoutRow(row: row)
                try rows.row([
                    .text(p.period), .text(p.employeeNo), .text(p.name), .text(p.plan), .decimal(p.proratedTarget, places: 2),
                    .decimal(p.scorePct, places: 4), .decimal(p.payout, places: 2), .text(p.currency), .text(p.note),
                ])
            }
        }
    }
}
