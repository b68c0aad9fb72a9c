public import Foundation
import PQ
public import TouchstoneCore

/// The monthly batch (formats.md `touchstone batch run`): every KPI of the tenant at every
/// level for one period, then the after-KPI steps (draft payouts), in ONE transaction.
///
/// - A rerun replaces the period's results atomically (readers see the old results until the
///   commit), writing only the rows that changed. When the period's previous run recorded
///   its snapshot and no org, tenant setting, KPI definition or plan changed since, the rerun
///   is incremental (``BatchRerun``): only the subjects whose events changed (and their
///   regions and tenant, leagues and payouts) are recomputed, with the same results as a full
///   run. `full` forces the full run; so does a bulk import since the last run (a statement of
///   more than 100,000 events dirties its periods whole, sql/0420).
/// - A closed period is refused (``StoreError/periodClosed(_:)``); the period row is held
///   `FOR SHARE` so it cannot be closed while the run is writing.
/// - Two runs for one tenant cannot both proceed: the second gets ``StoreError/busy(_:)``.
/// - Every run leaves a `batch_jobs` row; a failed run's row is written in a separate short
///   transaction, so it survives the rollback. A cancelled run (the task is cancelled: its
///   statement is cancelled on the server) rolls back and its row says `failed`, "cancelled …".
public struct BatchRunner: Sendable {
    /// Steps run right after the KPIs, in the same transaction (payouts hook here).
    public var afterKPIs: [BatchStep]

    /// A runner with the given after-KPI steps (none: KPIs only).
    public init(afterKPIs: [BatchStep] = []) {
        self.afterKPIs = afterKPIs
    }

    /// Advisory-lock class of batch runs (`pg_try_advisory_xact_lock(class, tenant id)`).
    static let lockClass: Int32 = 0x7453_4231

    /// Runs the batch for `period` of `tenant`.
    /// - Parameters:
    ///   - asOf: the instant complaint deadlines are judged against (rules.md §3).
    ///   - full: recompute every subject even when an incremental rerun is possible.
    ///   - startedBy: who asked (recorded in the job row).
    ///   - progress: receives one line per step.
    /// - Returns: the succeeded job.
    /// - Throws: ``StoreError/busy(_:)``, ``StoreError/periodClosed(_:)``, or what a step threw;
    ///   the job row then says `failed` with the reason.
    public func run(
        tenant: Tenant, period: Period, asOf: Date, full: Bool = false, startedBy: String,
        progress: @escaping @Sendable (String) -> Void = { _ in }, database: Database
    ) async throws -> BatchJob {
        let jobID = try await BatchJobQueries.start(tenant: tenant, period: period, asOf: asOf, startedBy: startedBy, database: database)
        let bounds = period.bounds(in: tenant.timeZone)
        let context = BatchContext(
            tenant: tenant, period: period, asOf: asOf, start: bounds.start, end: bounds.end, jobID: jobID, progress: progress)
        let steps = afterKPIs
        do {
            let job = try await database.tenantTransaction(tenant) { conn in
                try Self.lockTenant(conn, tenant)
                // Before anything is read (sql/0320).
                let (snapshot, dirtiedWhole) = try BatchRerun.takeDirty(conn, period: period)
                try Self.holdOpenPeriod(conn, period)
                try conn.execute("SET LOCAL work_mem = '256MB'")
                let kpis = try KPIDefinitionQueries.snapshot(conn)
                var context = context
                var recomputed: BatchInputs.Recomputed?
                // Set when nothing but events changed since the period's last run.
                let previousAsOf = try BatchRerun.incrementalSince(conn, period: period)
                if !full, !dirtiedWhole, let since = previousAsOf {
                    context.incrementalSince = since
                    let scope = try BatchRerun.collectScope(conn, context, since: since)
                    recomputed = scope
                    progress("recomputing what changed in \(period) since its last run: \(scope.outlets) outlets, \(scope.staff) staff members")
                } else {
                    if !full && dirtiedWhole && previousAsOf != nil {
                        progress("a bulk import changed \(period) whole since its last run")
                    }
                    progress("computing every KPI result of \(period) (\(kpis.definitions.count) KPIs)")
                }
                let (rows, read, listed) = try KPIBatch.run(conn, context: context, kpis: kpis.definitions)
                if recomputed != nil {
                    recomputed = try BatchRerun.recomputed(conn)
                } else if rows > 0 {
                    // The next rerun's plans need the period's new rows in the statistics (sql/0320).
                    try conn.execute("SELECT app_analyze_kpi_results()")
                }
                progress("\(rows) KPI rows written")
                // The counts per region move with the results the run changed, unless the
                // organisation or the KPIs changed too, the run wrote the period's first results,
                // or the stored counts are incomplete (kept before sql/0360).
                if previousAsOf != nil, listed, try KPISummaryQueries.hasScopeCounts(conn, period: period) {
                    try KPISummaryQueries.adjustScopeCounts(conn, period: period)
                } else {
                    progress("counting the results and the red ones per region")
                    try KPISummaryQueries.storeScopeCounts(conn, period: period, kpis: kpis.definitions.map(\.code))
                }
                var stepRows = 0
                for step in steps {
                    stepRows += try step(conn, context)
                }
                // Corrective actions (docs/actions.md): red outlet KPIs of the period, and complaints
                // breached as of the run's as-of (never later than now), each opened once.
                let now = Date()
                progress("opening corrective actions")
                try ActionOpening.redKPIs(conn, period: period.description, changedOnly: recomputed != nil, now: now)
                try ActionOpening.breachedComplaints(conn, among: .all, asOf: min(asOf, now), now: now)
                let job = try BatchJobQueries.succeed(
                    conn, jobID: jobID, kpiRows: rows, stepRows: stepRows, read: read, kpis: kpis, snapshot: snapshot, recomputed: recomputed)
                try OutboxQueries.emit(
                    .batchCompleted(
                        period: period.description, job: job.id, kpiRows: rows, payoutRows: stepRows, startedBy: startedBy,
                        at: job.finishedAt ?? Date()), on: conn)
                return job
            }
            progress("done in \(String(format: "%.2f", job.duration ?? 0)) s")
            return job
        } catch {
            let translated = StoreError.translate(error)
            let reason = Task.isCancelled ? "cancelled before it finished: nothing of the run was kept" : String(describing: translated)
            await Self.recordFailure(tenant: tenant, jobID: jobID, reason: reason, database: database)
            throw translated
        }
    }

    /// Marks the job failed, also when the run was cancelled (a shutdown).
    private static func recordFailure(tenant: Tenant, jobID: Int64, reason: String, database: Database) async {
        await withoutCancellation {
            try? await BatchJobQueries.fail(tenant: tenant, jobID: jobID, error: reason, database: database)
        }
    }

    /// Takes the tenant's batch lock for the transaction, or refuses.
    private static func lockTenant(_ conn: PQConnection, _ tenant: Tenant) throws {
        let locked = try conn.queryFirst("SELECT pg_try_advisory_xact_lock(\(lockClass)::integer, \(tenant.id)::integer)")!.decode(Bool.self)
        guard locked else { throw StoreError.busy("a batch for tenant \(tenant.code) is already running") }
    }

    /// Registers the period (open) if new, refuses a closed one, and holds its row so it
    /// cannot be closed before this transaction ends.
    private static func holdOpenPeriod(_ conn: PQConnection, _ period: Period) throws {
        try conn.execute(
            """
            INSERT INTO periods (tenant_id, period) VALUES (app_current_tenant(), \(period.description))
            ON CONFLICT (tenant_id, period) DO NOTHING
            """)
        let state = try conn.queryFirst("SELECT state FROM periods WHERE period = \(period.description) FOR SHARE")?.decode(String.self)
        if state == "closed" { throw StoreError.periodClosed("period \(period) is closed: its results cannot change") }
    }
}
