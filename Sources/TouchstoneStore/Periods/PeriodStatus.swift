public import Foundation

/// A period's lock state (rules.md §6).
public struct PeriodStatus: Sendable, Codable, Equatable {
    public let period: String
    /// `open` or `closed`.
    public let state: String
    public let closedAt: Date?
    public let closedBy: String?
    /// SHA-256 (hex) of the period's KPI results and payouts when it was closed (``ResultsHash``).
    public let resultsHash: String?

    public var isClosed: Bool { state == "closed" }
}
