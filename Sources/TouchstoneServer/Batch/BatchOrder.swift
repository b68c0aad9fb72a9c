public import Foundation
public import TouchstoneCore
public import TouchstoneStore

/// One batch run handed to the ``BatchService``: by the schedule or from the batch page.
public struct BatchOrder: Sendable {
    public let tenant: Tenant
    public let period: Period
    /// The instant complaint deadlines are judged against.
    public let asOf: Date
    /// Recorded in the job row (`schedule`, or the login that asked).
    public let startedBy: String
    /// Recompute every subject even when an incremental rerun is possible.
    public let full: Bool
    /// Receives the run's progress lines.
    public let progress: @Sendable (String) -> Void
    /// Called once with the outcome, in the run's task (`Task.isCancelled` tells a cancelled run).
    public let finished: @Sendable (Result<BatchJob, any Error>) async -> Void

    public init(
        tenant: Tenant, period: Period, asOf: Date, startedBy: String, full: Bool = false,
        progress: @escaping @Sendable (String) -> Void = { _ in },
        finished: @escaping @Sendable (Result<BatchJob, any Error>) async -> Void = { _ in }
    ) {
        self.tenant = tenant
        self.period = period
        self.asOf = asOf
        self.startedBy = startedBy
        self.full = full
        self.progress = progress
        self.finished = finished
    }
}
