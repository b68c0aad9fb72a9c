public import Foundation

/// One stored payout row (rules.md §5): a person's draft or approved payout under one plan
/// for one period, or an adjustment for a closed period (`adjustsPeriod`).
public struct PayoutRow: Sendable, Codable, Equatable {
    public let period: String
    public let employeeNo: String
    public let name: String
    public let plan: String
    public let planVersion: Int
    /// The closed period this row adjusts (late events); nil for the period's own payout.
    public let adjustsPeriod: String?
    /// Unrounded, as computed.
    public let proratedTarget: Decimal
    /// Unrounded, as computed.
    public let scorePct: Decimal
    /// Rounded half-up to 2 decimals.
    public let payout: Decimal
    public let currency: String
    public let note: String
    public let approvedBy: String?
    public let approvedAt: Date?
}
