import Foundation
import PQ
import TouchstoneCore

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
    public static func write(tenant: Tenant, period: Period, excel: Bool = false, database: Database,
                             to sink: @escaping @Sendable (String) -> Void) async throws {
        try await database.tenantTransaction(tenant, readOnly: true) { conn in
            sink((excel ? byteOrderMark : "") + CSVWriter.line(columns, spreadsheet: excel))
            try conn.forEachRow("""
                SELECT \(unsafeRaw: PayoutQueries.columns) FROM payouts WHERE period = \(period.description)
                ORDER BY \(unsafeRaw: PayoutQueries.order)
                """) { row in
                let p = try PayoutQueries.decode(row)
                sink(CSVWriter.line([
                    p.period, p.employeeNo, p.name, p.plan, p.proratedTarget.fixed(2), p.scorePct.fixed(4), p.payout.fixed(2),
                    p.currency, p.note,
                ], spreadsheet: excel))
            }
        }
    }
}
