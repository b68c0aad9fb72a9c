import Foundation
import PQ
import TouchstoneCore

/// The batch step that pays the difference late events make to closed periods (rules.md §6).
///
/// Events that arrive for a closed period are stored and flagged `late`; the closed period's
/// results never change. When an open period is run, every earlier closed period of the
/// same kind that has late events is recomputed in scratch tables — its KPIs from all its
/// events, with the KPI definitions its last run recorded and the `as_of` it used, then its
/// payouts with the plan versions that paid it — and each person's recomputed payout is
/// compared with what was paid for that period so far (its own row plus adjustments in
/// earlier periods). A non-zero difference becomes an adjustment row of the period being
/// run, pointing at the closed period (`adjusts_period`); its explanation is the
/// recomputation with an ``PayoutExplanation/Adjustment``. Comparing with what was paid,
/// rather than with a recomputation without the late events, makes the step idempotent:
/// once a difference is paid, later periods emit nothing more for it.
public enum AdjustmentStep {
    /// What one run adjusted; recorded in the job's `inputs` under `adjustments`.
    public struct Adjusted: Sendable, Codable, Equatable {
        /// The closed period recomputed.
        public var period: String
        /// Adjustment rows written for it (0 when the late events changed no payout).
        public var rows: Int
    }

    /// The step as the batch runs it, after ``PayoutStep/step``: returns the adjustment rows written.
    public static let step: BatchStep = { conn, context in
        try run(conn, context: context).reduce(0) { $0 + $1.rows }
    }

    /// Scratch tables of one recomputation (temporary: dropped before the next). Their names
    /// are spliced as SQL text (identifiers cannot be parameters): only these constants.
    static let scratchResults = "adjust_kpi_results"
    static let scratchPayouts = "adjust_payouts"

    /// Recomputes every closed period before `context.period` that has late events and
    /// writes the adjustment rows; records and returns what it did.
    static func run(_ conn: PQConnection, context: BatchContext) throws -> [Adjusted] {
        var adjusted: [Adjusted] = []
        for closed in try closedPeriodsWithLateEvents(conn, before: context.period, timeZone: context.tenant.timeZone) {
            guard let recorded = try lastRun(conn, of: closed) else { continue }
            context.progress("recomputing closed period \(closed) for late events")
            let rows = try adjust(conn, closed: closed, recorded: recorded, context: context)
            context.progress("\(rows) adjustment rows for \(closed)")
            adjusted.append(Adjusted(period: closed.description, rows: rows))
        }
        try record(conn, adjusted, jobID: context.jobID)
        return adjusted
    }

    /// Closed periods of `period`'s kind that end before it starts and have a late audit,
    /// survey response or complaint, oldest first.
    static func closedPeriodsWithLateEvents(_ conn: PQConnection, before period: Period, timeZone: TimeZone) throws -> [Period] {
        let closed = try conn.query("SELECT period FROM periods WHERE state = 'closed'")
            .compactMap { Period(try $0.decode(String.self)) }
            .filter { $0.kind == period.kind && $0.lastDay < period.firstDay }
            .sorted(by: <)
        return try closed.filter { candidate in
            let bounds = candidate.bounds(in: timeZone)
            return try conn.queryFirst(
                """
                SELECT EXISTS (SELECT 1 FROM audits WHERE late AND visited_at >= \(bounds.start) AND visited_at < \(bounds.end))
                    OR EXISTS (SELECT 1 FROM survey_responses WHERE late AND responded_at >= \(bounds.start) AND responded_at < \(bounds.end))
                    OR EXISTS (SELECT 1 FROM complaints WHERE late AND opened_at >= \(bounds.start) AND opened_at < \(bounds.end))
                """)!.decode(Bool.self)
        }
    }

    /// What the closed period's last successful run used: its as-of instant and KPI definitions.
    struct RecordedRun {
        var asOf: Date
        var kpis: KPISnapshot
    }

    static func lastRun(_ conn: PQConnection, of period: Period) throws -> RecordedRun? {
        guard
            let row = try conn.queryFirst(
                """
                SELECT as_of, (inputs->'kpis')::text FROM batch_jobs
                WHERE period = \(period.description) AND state = 'succeeded' AND inputs ? 'kpis'
                ORDER BY id DESC LIMIT 1
                """)
        else { return nil }
        let (asOf, kpis) = try row.decode((Date, String).self)
        return RecordedRun(asOf: asOf, kpis: try KPISnapshot(json: kpis))
    }

    /// Recomputes `closed` in the scratch tables and inserts the differences as adjustment rows.
    static func adjust(_ conn: PQConnection, closed: Period, recorded: RecordedRun, context: BatchContext) throws -> Int {
        let bounds = closed.bounds(in: context.tenant.timeZone)
        let recompute = BatchContext(
            tenant: context.tenant, period: closed, asOf: recorded.asOf, start: bounds.start, end: bounds.end,
            jobID: context.jobID, progress: { context.progress("  \(closed): \($0)") })
        let definitions = recorded.kpis.byCode
        let plans = try PlanQueries.paid(conn, period: closed, kpis: definitions)
        try conn.execute(
            script: """
                CREATE TEMP TABLE \(scratchResults) (LIKE kpi_results);
                CREATE TEMP TABLE \(scratchPayouts) (LIKE payouts INCLUDING DEFAULTS);
                """)
        _ = try KPIBatch.run(conn, context: recompute, kpis: recorded.kpis.definitions, into: scratchResults)
        _ = try PayoutStep.compute(
            conn, period: closed, plans: plans, definitions: definitions,
            results: scratchResults, into: scratchPayouts, jobID: context.jobID)
        let rows = try insertDifferences(conn, closed: closed, period: context.period, jobID: context.jobID)
        try conn.execute("DROP TABLE \(unsafeRaw: scratchResults), \(unsafeRaw: scratchPayouts)")
        return rows
    }

    /// One adjustment row per person and plan whose recomputed payout differs from what was
    /// paid for `closed` before `period` (a person no longer paid at all is recomputed as 0).
    static func insertDifferences(_ conn: PQConnection, closed: Period, period: Period, jobID: Int64) throws -> Int {
        try conn.execute(
            """
            WITH paid AS (
                SELECT employee_no, plan_code, sum(payout) AS paid,
                       (array_agg(plan_version ORDER BY adjusts_period <> '', period))[1] AS plan_version,
                       (array_agg(name ORDER BY adjusts_period <> '', period))[1] AS name,
                       (array_agg(currency ORDER BY adjusts_period <> '', period))[1] AS currency,
                       (array_agg(explanation - 'adjustment' ORDER BY adjusts_period <> '', period))[1] AS explanation
                FROM payouts
                WHERE (period = \(closed.description) AND adjusts_period = '')
                   OR (adjusts_period = \(closed.description) AND period < \(period.description))
                GROUP BY employee_no, plan_code),
            compared AS (
                SELECT employee_no, plan_code, coalesce(r.plan_version, p.plan_version) AS plan_version,
                       coalesce(r.name, p.name) AS name, coalesce(r.prorated_target, 0) AS prorated_target,
                       coalesce(r.score_pct, 0) AS score_pct, coalesce(r.currency, p.currency) AS currency,
                       coalesce(r.explanation, p.explanation) AS explanation,
                       coalesce(r.payout, 0.00) AS recomputed, coalesce(p.paid, 0.00) AS paid
                FROM \(unsafeRaw: scratchPayouts) r FULL JOIN paid p USING (employee_no, plan_code))
            INSERT INTO payouts (tenant_id, period, employee_no, plan_code, adjusts_period, plan_version, name, prorated_target,
                                 score_pct, payout, currency, note, explanation, job_id)
            SELECT app_current_tenant(), \(period.description), employee_no, plan_code, \(closed.description), plan_version, name,
                   prorated_target, score_pct, recomputed - paid, currency,
                   format('adjusts %s (late events): recomputed %s, paid %s', \(closed.description)::text, round(recomputed, 2), round(paid, 2)),
                   explanation || jsonb_build_object('adjustment', jsonb_build_object(
                       'period', \(closed.description)::text, 'recomputed', recomputed, 'paid', paid, 'difference', recomputed - paid)),
                   \(jobID)
            FROM compared
            WHERE recomputed <> paid
            """)
    }

    /// Adds what was adjusted to the job's inputs (under `adjustments`).
    static func record(_ conn: PQConnection, _ adjusted: [Adjusted], jobID: Int64) throws {
        let json = String(decoding: try PayoutExplanationJSON.encoder.encode(adjusted), as: UTF8.self)
        try conn.execute(
            """
            UPDATE batch_jobs SET inputs = coalesce(inputs, '{}'::jsonb) || jsonb_build_object('adjustments', \(json)::jsonb)
            WHERE id = \(jobID)
            """)
    }
}

extension BatchRunner {
    /// The monthly batch: KPIs, then draft payouts, then adjustments for late events of closed periods.
    public static let withPayouts = BatchRunner(afterKPIs: [PayoutStep.step, AdjustmentStep.step])
}
