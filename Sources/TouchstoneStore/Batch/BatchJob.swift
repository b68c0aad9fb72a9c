public import Foundation
import TouchstoneCore

/// One run of the monthly batch, as recorded in `batch_jobs`.
public struct BatchJob: Sendable, Equatable, Codable {
    /// Running, succeeded or failed.
    public enum State: String, Sendable, Codable {
        case running, succeeded, failed
    }

    public let id: Int64
    public let period: String
    /// The instant complaints' deadlines are judged against.
    public let asOf: Date
    public let state: State
    public let startedAt: Date
    public let finishedAt: Date?
    /// Rows written to kpi_results (nil until the run succeeded).
    public let kpiRows: Int?
    /// Rows the after-KPI steps (payouts) wrote (nil until the run succeeded).
    public let payoutRows: Int?
    /// What the run read; nil when it failed before reading.
    public let inputs: BatchInputs?
    /// Why the run failed.
    public let error: String?
    public let startedBy: String

    /// finished − started, when finished.
    public var duration: TimeInterval? { finishedAt.map { $0.timeIntervalSince(startedAt) } }
}

/// What a batch run read: events of the period and the KPI definitions it applied.
public struct BatchInputs: Sendable, Equatable, Codable {
    /// Counted audits (released/final, of the KPIs' templates) in the period.
    public let audits: Int
    /// Survey responses in the period.
    public let responses: Int
    /// Complaints opened in the period.
    public let complaints: Int
    /// Codes of the KPI definitions applied (their full JSON is kept in the job row).
    public let kpis: [String]
    /// What an incremental rerun recomputed; nil for a full run (docs/kpi-batch.md "Reruns").
    public let recomputed: Recomputed?

    /// The subjects whose inputs changed since the period's previous run.
    public struct Recomputed: Sendable, Equatable, Codable {
        public let outlets: Int
        public let staff: Int

        public init(outlets: Int, staff: Int) {
            self.outlets = outlets
            self.staff = staff
        }
    }

    public init(audits: Int, responses: Int, complaints: Int, kpis: [String], recomputed: Recomputed? = nil) {
        self.audits = audits
        self.responses = responses
        self.complaints = complaints
        self.kpis = kpis
        self.recomputed = recomputed
    }
}
