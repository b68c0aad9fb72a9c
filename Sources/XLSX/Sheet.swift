import CXLSXWriter
import Foundation

/// One worksheet of a ``Workbook``: rows are appended in order below the header.
public final class Sheet {
    private let sheet: UnsafeMutablePointer<lxw_worksheet>
    private unowned let workbook: Workbook
    private var widths: [Int]
    private var nextRow: UInt32 = 0
    /// The sheet's name.
    public let name: String

    init(_ sheet: UnsafeMutablePointer<lxw_worksheet>, name: String, columns: Int, formats workbook: Workbook) {
        self.sheet = sheet
        self.name = name
        self.workbook = workbook
        self.widths = Array(repeating: 0, count: columns)
    }

    /// Appends one row (cells beyond the header's columns are refused).
    public func append(_ cells: [Cell]) throws {
        try append(cells, format: nil)
    }

    func append(_ cells: [Cell], format header: UnsafeMutablePointer<lxw_format>?) throws {
        guard cells.count <= widths.count else {
            throw XLSXError("writing row \(nextRow + 1) of \(name)", reason: "\(cells.count) cells for \(widths.count) columns")
        }
        let row = nextRow
        for (index, cell) in cells.enumerated() {
            try write(cell, row: row, column: UInt16(index), header: header)
            widths[index] = max(widths[index], cell.displayWidth)
        }
        nextRow += 1
    }

    private func write(_ cell: Cell, row: UInt32, column: UInt16, header: UnsafeMutablePointer<lxw_format>?) throws {
        let code: lxw_error
        switch cell {
        case .text(let text):
            code = worksheet_write_string(sheet, row, column, text, header)
        case .number(let value, let places):
            code = worksheet_write_number(sheet, row, column, NSDecimalNumber(decimal: value).doubleValue, workbook.format("n\(places)"))
        case .integer(let value):
            code = worksheet_write_number(sheet, row, column, Double(value), workbook.format("integer"))
        case .dateTime(let t):
            var value = lxw_datetime(
                year: Int32(t.year), month: Int32(t.month), day: Int32(t.day),
                hour: Int32(t.hour), min: Int32(t.minute), sec: Double(t.second))
            code = worksheet_write_datetime(sheet, row, column, &value, workbook.format("datetime"))
        case .empty:
            return
        }
        try XLSXError.check(code, "writing row \(row + 1), column \(column + 1) of \(name)")
    }

    /// Column widths that fit the content (2 characters of margin, at most 80), the header
    /// row frozen and an autofilter over header and data.
    func finish() throws {
        for (index, width) in widths.enumerated() {
            try XLSXError.check(
                worksheet_set_column(sheet, UInt16(index), UInt16(index), Double(min(width + 2, 80)), nil),
                "sizing column \(index + 1) of \(name)")
        }
        guard !widths.isEmpty else { return }
        worksheet_freeze_panes(sheet, 1, 0)
        try XLSXError.check(worksheet_autofilter(sheet, 0, 0, max(nextRow, 1) - 1, UInt16(widths.count - 1)), "filtering \(name)")
    }
}
