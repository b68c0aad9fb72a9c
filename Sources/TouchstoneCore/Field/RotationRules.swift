/// A tenant's rules for sending auditors to outlets.
public struct RotationRules: Sendable, Hashable, Codable {
    /// The same auditor does not visit the same outlet within this many calendar months.
    public var intervalMonths: Int
    /// The most visits one auditor gets in one assignment run, or nil for no cap.
    public var maxVisitsPerAuditor: Int?

    /// The defaults: 6 months between visits of one auditor to one outlet, no cap.
    public init(intervalMonths: Int = 6, maxVisitsPerAuditor: Int? = nil) {
        self.intervalMonths = intervalMonths
        self.maxVisitsPerAuditor = maxVisitsPerAuditor
    }

    /// Whether two visits of the same auditor to the same outlet, on `first` and `second`,
    /// are closer than the interval (in either order).
    public func tooClose(_ first: CivilDate, _ second: CivilDate) -> Bool {
        let (earlier, later) = first <= second ? (first, second) : (second, first)
        return later < earlier.adding(months: intervalMonths)
    }
}

extension CivilDate {
    /// The same day `months` calendar months later (or earlier), clamped to the month's last
    /// day: 2026-01-31 + 1 month = 2026-02-28. Stays within years 1 to 9999.
    public func adding(months: Int) -> CivilDate {
        let index = Swift.min(Swift.max(year * 12 + (month - 1) + months, 12), 9999 * 12 + 11)
        let newYear = index >= 0 ? index / 12 : (index - 11) / 12
        let newMonth = index - newYear * 12 + 1
        let newDay = Swift.min(day, CivilDate.daysIn(year: newYear, month: newMonth))
        return CivilDate(year: newYear, month: newMonth, day: newDay)!
    }
}
