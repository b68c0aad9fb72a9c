public import Foundation
import TouchstoneCore
public import XLSX

/// One typed cell of an export row: each export produces its rows once, as these, and the
/// CSV and workbook writers render them (formats.md "Exports").
public enum ExportCell: Sendable, Equatable {
    /// Codes, names, states: text in both formats (leading zeros kept).
    case text(String)
    /// Money, scores, KPI values: `fixed(places)` in CSV; in a workbook a number (the rounded
    /// value) shown with `places` decimals.
    case decimal(Decimal, places: Int)
    /// Counts, versions, ranks.
    case integer(Int)
    /// A moment, shown in `timeZone`: ISO 8601 with offset in CSV, a local date-time in a workbook.
    case instant(Date, TimeZone)
    /// No value (an empty CSV field, an empty cell).
    case empty

    /// The cell's CSV field.
    public var csv: String {
        switch self {
        case .text(let text): text
        case .decimal(let value, let places): value.fixed(places)
        case .integer(let value): String(value)
        case .instant(let date, let timeZone): Instant.format(date, in: timeZone)
        case .empty: ""
        }
    }

    /// The cell as a workbook writes it.
    public var xlsx: Cell {
        switch self {
        case .text(let text): .text(text)
        case .decimal(let value, let places): .number(value.rounded(scale: places), places: places)
        case .integer(let value): .integer(value)
        case .instant(let date, let timeZone): .dateTime(LocalDateTime(date, in: timeZone))
        case .empty: .empty
        }
    }

    /// `.decimal(value, places:)`, or `.empty` for nil.
    public static func decimal(_ value: Decimal?, places: Int) -> ExportCell {
        value.map { .decimal($0, places: places) } ?? .empty
    }
}
