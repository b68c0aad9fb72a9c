import Foundation
import TouchstoneCore
import TouchstoneStore

/// The league table as an export, one source of rows for `/league.csv` and `/league.xlsx`:
/// rank, subject, name, value, n, status, previous, change.
enum LeagueExport {
    static let columns = ["rank", "subject", "name", "value", "n", "status", "previous", "change"]

    /// One row's typed cells (empty rank, previous or change where there is none).
    static func cells(_ row: LeagueRows.Row) -> [ExportCell] {
        [
            row.rank.map(ExportCell.integer) ?? .empty, .text(row.subject), .text(row.name), .decimal(row.current.value, places: 2),
            .integer(row.current.n), .text(row.current.status.rawValue), .decimal(row.previous?.value, places: 2),
            .decimal(row.change, places: 2),
        ]
    }

    /// The header and every row into `output`.
    static func write(_ rows: [LeagueRows.Row], into output: any ExportRows) throws {
        try output.header(columns)
        for row in rows { try output.row(cells(row)) }
    }

    /// The spreadsheet-safe CSV text (``CSVWriter/neutralised(_:)``) of `rows`.
    static func csv(_ rows: [LeagueRows.Row]) -> String {
        CSVWriter.line(columns, spreadsheet: true) + rows.map { CSVWriter.line(cells($0).map(\.csv), spreadsheet: true) }.joined()
    }
}
