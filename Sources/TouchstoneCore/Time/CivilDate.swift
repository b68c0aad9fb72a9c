public import Foundation

/// A calendar date without time or zone (`YYYY-MM-DD`), proleptic Gregorian.
public struct CivilDate: Sendable, Hashable, Comparable, Codable, CustomStringConvertible, LosslessStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// A valid date; nil when month or day is out of range.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
            day >= 1, day <= CivilDate.daysIn(year: year, month: month)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Strict `YYYY-MM-DD`.
    public init?(_ text: String) {
        let b = Array(text.utf8)
        guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
            let y = parseDigits(b[0..<4]), let m = parseDigits(b[5..<7]), let d = parseDigits(b[8..<10])
        else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// Parses `YYYY-MM-DD`; the same as `init?(_:)`.
    public static func parse(_ text: String) -> CivilDate? { CivilDate(text) }

    /// The date at `date` in `timeZone`.
    public init(_ date: Date, in timeZone: TimeZone) {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down)) + timeZone.secondsFromGMT(for: date)
        self.init(daysSinceEpoch: floorDiv(seconds, 86_400))
    }

    /// Days since 1970-01-01 (may be negative).
    public var daysSinceEpoch: Int {
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The date `daysSinceEpoch` days after 1970-01-01.
    public init(daysSinceEpoch z0: Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        day = doy - (153 * mp + 2) / 5 + 1
        month = mp < 10 ? mp + 3 : mp - 9
        year = yoe + era * 400 + (month <= 2 ? 1 : 0)
    }

    /// This date moved by `days` (negative for earlier).
    public func adding(days: Int) -> CivilDate { CivilDate(daysSinceEpoch: daysSinceEpoch + days) }

    /// Whole days from `start` to `end`, both included (0 when `end` < `start`).
    public static func daysInclusive(from start: CivilDate, to end: CivilDate) -> Int {
        max(0, end.daysSinceEpoch - start.daysSinceEpoch + 1)
    }

    /// The instant this day starts (local midnight) in `timeZone`.
    public func start(in timeZone: TimeZone) -> Date {
        localMidnight(daysSinceEpoch: daysSinceEpoch, timeZone: timeZone)
    }

    public static func daysIn(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    public static func < (a: CivilDate, b: CivilDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    public var description: String {
        pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let d = CivilDate(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "expected YYYY-MM-DD, got \"\(text)\""))
        }
        self = d
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// Local midnight of the given day in `timeZone`, as an instant (two-pass offset lookup).
func localMidnight(daysSinceEpoch: Int, timeZone: TimeZone) -> Date {
    let local = TimeInterval(daysSinceEpoch) * 86_400
    let guess = Date(timeIntervalSince1970: local - TimeInterval(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: local))))
    let offset = timeZone.secondsFromGMT(for: guess)
    return Date(timeIntervalSince1970: local - TimeInterval(offset))
}

func floorDiv(_ a: Int, _ b: Int) -> Int { a >= 0 ? a / b : -((-a + b - 1) / b) }

func pad(_ n: Int, _ width: Int) -> String {
    let s = String(abs(n))
    return (n < 0 ? "-" : "") + String(repeating: "0", count: max(0, width - s.count)) + s
}

func parseDigits(_ bytes: ArraySlice<UInt8>) -> Int? {
    guard !bytes.isEmpty else { return nil }
    var v = 0
    for b in bytes {
        guard b >= 48 && b <= 57 else { return nil }
        v = v * 10 + Int(b - 48)
    }
    return v
}
