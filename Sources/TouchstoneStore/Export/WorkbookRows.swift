import Foundation
import XLSX

/// Writes an export as an .xlsx workbook: the rows on a first sheet (typed cells, frozen
/// header, autofilter, fitted widths), then ``finish(about:sheet:)`` adds the sheet that
/// describes the file and writes it. Text is always a text cell, never a formula.
public final class WorkbookRows: ExportRows, @unchecked Sendable {
    // The lock makes the hand-over between the caller and the database thread explicit;
    // an export writes its rows from one thread at a time.
    private let lock = NSLock()
    private let workbook: Workbook
    private let sheetName: String
    private var sheet: Sheet?

    /// A workbook for `path` whose data sheet is called `sheet`.
    public init(path: String, sheet: String) throws {
        workbook = try Workbook(path: path)
        sheetName = sheet
    }

    public func header(_ columns: [String]) throws {
        try lock.withLock { sheet = try workbook.addSheet(sheetName, header: columns) }
    }

    public func row(_ cells: [ExportCell]) throws {
        try lock.withLock {
            guard let sheet else { throw XLSXError("writing \(workbook.path)", reason: "a row before the header") }
            try sheet.append(cells.map(\.xlsx))
        }
    }

    /// Adds the `sheet` describing the file (`field`, `value` rows) and writes the workbook.
    public func finish(about: ExportAbout, sheet name: String = "About") throws {
        try lock.withLock {
            let sheet = try workbook.addSheet(name, header: ["field", "value"])
            for (field, value) in about.fields { try sheet.append([.text(field), value.xlsx]) }
            try workbook.close()
        }
    }
}
