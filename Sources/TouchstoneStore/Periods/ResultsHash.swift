import Crypto
import Foundation
import PQ

/// The fingerprint of a period's results: SHA-256 over its `kpi_results` and `payouts` in a
/// canonical order, so a closed period can be recomputed and compared later.
///
/// Each row is one CSV line (``CSVWriter``, so fields cannot run into each other), prefixed
/// `kpi` or `payout`; KPI rows by level, subject, KPI code; payout rows by employee number,
/// plan, adjusted period (code-point order). Numbers are PostgreSQL's `numeric` text as
/// stored (unrounded); explanations are `jsonb` text. Job ids and approvals are left out:
/// the hash covers what was computed, not which run computed it.
enum ResultsHash {
    /// The hex digest for `period` on `conn` (streamed: constant memory).
    static func compute(_ conn: PQConnection, period: String) throws -> String {
        var hasher = SHA256()
        try conn.forEachRow(
            """
            SELECT level, subject, kpi_code, value::text, n::text, status FROM kpi_results WHERE period = \(period)
            ORDER BY level COLLATE "C", subject COLLATE "C", kpi_code COLLATE "C"
            """
        ) { row in
            let (level, subject, kpi, value, n, status) = try row.decode((String, String, String, String, String, String).self)
            hasher.update(data: Data(CSVWriter.line(["kpi", level, subject, kpi, value, n, status]).utf8))
        }
        try conn.forEachRow(
            """
            SELECT employee_no, plan_code, adjusts_period, plan_version::text, name, prorated_target::text, score_pct::text,
                   payout::text, currency, note, explanation::text
            FROM payouts WHERE period = \(period)
            ORDER BY employee_no COLLATE "C", plan_code COLLATE "C", adjusts_period COLLATE "C"
            """
        ) { row in
            let (employeeNo, plan, adjustsPeriod, version, name, proratedTarget, scorePct, payout, currency, note, explanation) =
                try row.decode((String, String, String, String, String, String, String, String, String, String, String).self)
            let line = [
                "payout", employeeNo, plan, adjustsPeriod, version, name, proratedTarget, scorePct, payout, currency, note, explanation,
            ]
            hasher.update(data: Data(CSVWriter.line(line).utf8))
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
