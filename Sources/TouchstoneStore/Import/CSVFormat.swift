import Foundation
import PQ
import TouchstoneCore

/// The shape of one CSV import (formats.md "CSV imports"): its columns, how each cell is
/// checked, and the SQL that checks references and merges the rows.
///
/// Rows are first checked cell by cell in Swift, then loaded with COPY into a temporary
/// table `import_stage (line integer, <column> text, …)`, checked against the database
/// (`checks`), and merged (`merge`), all in one transaction.
struct CSVFormat: Sendable {
    /// One column: its header name, whether a value is required, and what a value must be.
    struct Column: Sendable {
        enum Kind: Sendable {
            case text
            case date
            case instant
            case integer(ClosedRange<Int>)
            case decimal(nonNegative: Bool)
            case oneOf([String])
        }

        let name: String
        let required: Bool
        let kind: Kind

        init(_ name: String, required: Bool = false, _ kind: Kind = .text) {
            self.name = name
            self.required = required
            self.kind = kind
        }

        /// The problem with `value`, or nil when it is acceptable.
        func check(_ value: String) -> String? {
            switch kind {
            case .text:
                return nil
            case .date:
                return CivilDate(value) == nil ? "\"\(value)\" is not a date (YYYY-MM-DD)" : nil
            case .instant:
                return Instant.parse(value) == nil
                    ? "\"\(value)\" is not an instant with an offset (2026-10-31T23:30:00+08:00)" : nil
            case .integer(let range):
                guard let number = Int(value) else { return "\"\(value)\" is not a whole number" }
                return range.contains(number) ? nil : "\(number) is outside \(range.lowerBound)..\(range.upperBound)"
            case .decimal(let nonNegative):
                guard let number = Decimal(exactly: value) else { return "\"\(value)\" is not a decimal number" }
                return nonNegative && number < 0 ? "\(value) must not be negative" : nil
            case .oneOf(let values):
                return values.contains(value) ? nil : "\"\(value)\" is not one of \(values.joined(separator: ", "))"
            }
        }
    }

    /// A rule between cells of one row: returns a problem (column, message) or nil.
    typealias RowRule = @Sendable (Cells) -> (column: String, message: String)?

    /// One row's values in the order of ``columns`` (nil for an empty or absent cell), read by
    /// column name.
    struct Cells {
        let columns: [Column]
        let values: [String?]

        subscript(name: String) -> String? { columns.firstIndex { $0.name == name }.flatMap { values[$0] } }
    }

    /// The import's name, as on the command line (`outlets`).
    let name: String
    let columns: [Column]
    let rowRules: [RowRule]
    /// Queries over `import_stage` returning `(line integer, column text, message text)` rows.
    let checks: [String]
    /// Statements that merge `import_stage` into the tables; the last returns one row
    /// `(inserted bigint, updated bigint)`.
    let merge: [String]
    /// The tables the merge writes, the imported records' first, analysed after a large import (sql/0400).
    let tables: [String]
    /// What runs after the merge in the same transaction (complaints open corrective actions).
    var afterMerge: (@Sendable (PQConnection) throws -> Void)? = nil
}
