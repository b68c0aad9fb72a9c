public import Foundation
public import PQ
public import TouchstoneCore

/// What a batch step knows about the run it is part of.
public struct BatchContext: Sendable {
    public let tenant: Tenant
    public let period: Period
    /// The instant complaints' deadlines are judged against.
    public let asOf: Date
    /// The period's half-open instants `[start, end)` in the tenant's time zone.
    public let start: Date
    public let end: Date
    /// The `batch_jobs` row of this run (rows written carry it as `job_id`).
    public let jobID: Int64
    /// Reports a progress line.
    public let progress: @Sendable (String) -> Void
    /// The as-of of the period's previous run when this run recomputes only the subjects whose
    /// inputs changed since it (docs/kpi-batch.md "Reruns"); nil for a full run.
    public internal(set) var incrementalSince: Date? = nil
}

/// A step that runs right after the KPIs, in the same transaction, on the same connection
/// (for example draft payouts, which read the `kpi_results` rows just written).
/// It returns the number of rows it wrote (recorded as the job's `payout_rows`).
/// Throwing fails the whole run: nothing of the period changes.
public typealias BatchStep = @Sendable (PQConnection, BatchContext) throws -> Int
