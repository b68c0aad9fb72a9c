public import Foundation

/// One typed cell of a worksheet row.
public enum Cell: Sendable, Equatable {
    /// Text, always written as a string cell (never a formula, whatever it starts with).
    case text(String)
    /// An exact decimal, written as its `Double` value and shown with `places` decimals (`0.00`).
    case number(Decimal, places: Int)
    /// A whole number, shown without decimals.
    case integer(Int)
    /// A local date and time (no time zone), shown as `yyyy-mm-dd hh:mm:ss`.
    case dateTime(LocalDateTime)
    /// Nothing.
    case empty

    /// How many character columns the cell needs when shown: CJK and other wide characters count 2.
    var displayWidth: Int {
        switch self {
        case .text(let text): Self.width(of: text)
        case .number(let value, let places): String(format: "%.\(places)f", NSDecimalNumber(decimal: value).doubleValue).count
        case .integer(let value): String(value).count
        case .dateTime: 19
        case .empty: 0
        }
    }

    /// Display columns of `text`: East Asian wide and full-width characters count 2.
    static func width(of text: String) -> Int {
        text.unicodeScalars.reduce(0) { $0 + (isWide($1) ? 2 : 1) }
    }

    private static func isWide(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
            0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x20000...0x3FFFD:
            true
        default:
            false
        }
    }
}

/// A calendar date and wall-clock time without a time zone (what a spreadsheet cell holds).
public struct LocalDateTime: Sendable, Equatable {
    public let year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int

    public init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) {
        (self.year, self.month, self.day, self.hour, self.minute, self.second) = (year, month, day, hour, minute, second)
    }

    /// The wall-clock time of `date` in `timeZone`.
    public init(_ date: Date, in timeZone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        self.init(year: c.year!, month: c.month!, day: c.day!, hour: c.hour!, minute: c.minute!, second: c.second!)
    }
}
