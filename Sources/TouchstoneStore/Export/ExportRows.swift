import Foundation

/// Where an export's rows go: the header once, then the data rows in order (called on the
/// database thread). ``CSVRows`` and ``WorkbookRows`` are the two writers.
public protocol ExportRows: Sendable {
    /// The column names, before any row.
    func header(_ columns: [String]) throws
    /// One data row, as many cells as columns.
    func row(_ cells: [ExportCell]) throws
}

/// Writes the rows as CSV lines (``CSVWriter``) to `output`; `spreadsheet` neutralises
/// formula-like fields, `prefix` goes before the header (the `--excel` byte order mark).
public struct CSVRows: ExportRows {
    let spreadsheet: Bool
    let prefix: String
    let output: @Sendable (String) throws -> Void

    public init(spreadsheet: Bool = false, prefix: String = "", output: @escaping @Sendable (String) throws -> Void) {
        self.spreadsheet = spreadsheet
        self.prefix = prefix
        self.output = output
    }

    public func header(_ columns: [String]) throws {
        try output(prefix + CSVWriter.line(columns, spreadsheet: spreadsheet))
    }

    public func row(_ cells: [ExportCell]) throws {
        try output(CSVWriter.line(cells.map(\.csv), spreadsheet: spreadsheet))
    }
}
