import Foundation
public import TouchstoneCore

/// One row of a league table: a subject's value for the period and the one before.
public struct LeagueEntry: Sendable, Equatable, Codable {
    /// 1 for the best; equal values share a rank; nil for `insufficient` (listed last).
    public let rank: Int?
    /// Outlet code or employee number.
    public let subject: String
    /// Outlet or staff name.
    public let name: String
    public let current: KPIValue
    /// The same KPI in the previous period of the same kind, if computed.
    public let previous: KPIValue?
}

/// Some rows of a whole-chain league table and how many rows the table has.
public struct LeagueSlice: Sendable, Equatable {
    public let total: Int
    public let entries: [LeagueEntry]
}

/// One point of a subject's trend; nil when the period has no value for the subject.
public struct TrendPoint: Sendable, Equatable, Codable {
    public let period: String
    public let value: KPIValue?
}

/// One dimension KPI (`audit.dimension:*`) of an outlet beside its region's value.
public struct DimensionProfileEntry: Sendable, Equatable, Codable {
    public let kpi: String
    public let dimension: TouchstoneCore.Dimension
    public let outlet: KPIValue?
    /// The outlet's own region (its direct parent node).
    public let regionPath: String
    public let region: KPIValue?
}

/// An early warning (风险预警): a subject whose status turned red or fell a band since the
/// previous period of the same kind.
public struct EarlyWarning: Sendable, Equatable, Codable {
    public let kpi: String
    public let level: KPILevel
    public let subject: String
    public let previousPeriod: String
    public let previous: KPIValue
    public let current: KPIValue
}
