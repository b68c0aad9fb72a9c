public import Foundation

/// A reporting period: a calendar month `2026-10` or quarter `2026-Q4` in the tenant zone.
public struct Period: Sendable, Hashable, Comparable, Codable, CustomStringConvertible, LosslessStringConvertible {
    /// Month or quarter.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case month, quarter
    }

    public let year: Int
    public let kind: Kind
    /// The month 1…12, or the quarter 1…4.
    public let number: Int

    /// A month period (1…12).
    public static func month(_ year: Int, _ month: Int) -> Period? {
        guard (1...9999).contains(year), (1...12).contains(month) else { return nil }
        return Period(year: year, kind: .month, number: month)
    }

    /// A quarter period (1…4).
    public static func quarter(_ year: Int, _ quarter: Int) -> Period? {
        guard (1...9999).contains(year), (1...4).contains(quarter) else { return nil }
        return Period(year: year, kind: .quarter, number: quarter)
    }

    private init(year: Int, kind: Kind, number: Int) {
        self.year = year
        self.kind = kind
        self.number = number
    }

    /// Parses `YYYY-MM` or `YYYY-Qn`, throwing a precise message.
    public static func parse(_ text: String) throws(ValidationFailure) -> Period {
        let b = Array(text.utf8)
        let shape = "expected a period YYYY-MM (e.g. 2026-10) or YYYY-Qn (e.g. 2026-Q4), got \"\(text)\""
        guard b.count == 7, b[4] == UInt8(ascii: "-"), let y = parseDigits(b[0..<4]) else {
            throw ValidationFailure(path: "period", message: shape)
        }
        guard y >= 1 else { throw ValidationFailure(path: "period", message: "year must be 0001…9999 in \"\(text)\"") }
        if b[5] == UInt8(ascii: "Q") || b[5] == UInt8(ascii: "q") {
            guard let q = parseDigits(b[6..<7]) else { throw ValidationFailure(path: "period", message: shape) }
            guard let p = Period.quarter(y, q) else {
                throw ValidationFailure(path: "period", message: "quarter must be Q1…Q4 in \"\(text)\"")
            }
            return p
        }
        guard let m = parseDigits(b[5..<7]) else { throw ValidationFailure(path: "period", message: shape) }
        guard let p = Period.month(y, m) else {
            throw ValidationFailure(path: "period", message: "month must be 01…12 in \"\(text)\"")
        }
        return p
    }

    /// Parses `YYYY-MM` or `YYYY-Qn`; nil when invalid.
    public init?(_ description: String) {
        guard let p = try? Period.parse(description) else { return nil }
        self = p
    }

    /// The month or quarter of `kind` that contains `date` in `timeZone`.
    public static func containing(_ date: Date, kind: Kind, in timeZone: TimeZone) -> Period {
        let day = CivilDate(date, in: timeZone)
        return containing(day, kind: kind)
    }

    /// The month or quarter of `kind` that contains `day`.
    public static func containing(_ day: CivilDate, kind: Kind) -> Period {
        switch kind {
        case .month: return Period(year: day.year, kind: .month, number: day.month)
        case .quarter: return Period(year: day.year, kind: .quarter, number: (day.month - 1) / 3 + 1)
        }
    }

    private var firstMonth: Int { kind == .month ? number : (number - 1) * 3 + 1 }
    private var lastMonth: Int { kind == .month ? number : number * 3 }

    /// The first day of the period.
    public var firstDay: CivilDate { CivilDate(year: year, month: firstMonth, day: 1)! }

    /// The last day of the period.
    public var lastDay: CivilDate {
        CivilDate(year: year, month: lastMonth, day: CivilDate.daysIn(year: year, month: lastMonth))!
    }

    /// D: the number of days in the period (30 for 2026-09, 92 for 2026-Q4).
    public var days: Int { CivilDate.daysInclusive(from: firstDay, to: lastDay) }

    /// Half-open instants `[start, end)` of the period in `timeZone`.
    public func bounds(in timeZone: TimeZone) -> (start: Date, end: Date) {
        (firstDay.start(in: timeZone), lastDay.adding(days: 1).start(in: timeZone))
    }

    /// Whether the instant falls in the period in `timeZone`.
    public func contains(_ date: Date, in timeZone: TimeZone) -> Bool {
        let b = bounds(in: timeZone)
        return date >= b.start && date < b.end
    }

    /// Whether the day falls in the period.
    public func contains(_ day: CivilDate) -> Bool { day >= firstDay && day <= lastDay }

    /// The months of the period, in order (the period itself for a month).
    public var months: [Period] {
        (firstMonth...lastMonth).map { Period(year: year, kind: .month, number: $0) }
    }

    /// The period before this one, of the same kind.
    public var previous: Period {
        let count = kind == .month ? 12 : 4
        return number == 1 ? Period(year: year - 1, kind: kind, number: count) : Period(year: year, kind: kind, number: number - 1)
    }

    /// The period after this one, of the same kind.
    public var next: Period {
        let count = kind == .month ? 12 : 4
        return number == count ? Period(year: year + 1, kind: kind, number: 1) : Period(year: year, kind: kind, number: number + 1)
    }

    /// `2026-10` or `2026-Q4`.
    public var description: String {
        kind == .month ? pad(year, 4) + "-" + pad(number, 2) : pad(year, 4) + "-Q" + String(number)
    }

    /// Orders by first day, then months before quarters.
    public static func < (a: Period, b: Period) -> Bool {
        if a.firstDay != b.firstDay { return a.firstDay < b.firstDay }
        return a.kind == .month && b.kind == .quarter
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do {
            self = try Period.parse(text)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}
