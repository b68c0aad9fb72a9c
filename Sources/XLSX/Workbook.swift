import CXLSXWriter
import Foundation

/// An .xlsx file being written with libxlsxwriter (constant memory: rows go to disk as they
/// are added, in order). Add sheets, append rows, then ``close()``; nothing is on disk before.
/// Not thread-safe: use it from one thread at a time.
public final class Workbook {
    private var handle: UnsafeMutablePointer<lxw_workbook>?
    private var sheets: [Sheet] = []
    private var formats: [String: UnsafeMutablePointer<lxw_format>] = [:]
    /// Where the file goes.
    public let path: String

    /// Starts a workbook that ``close()`` writes to `path`.
    /// - Throws: ``XLSXError`` when libxlsxwriter cannot start one.
    public init(path: String) throws {
        self.path = path
        var options = lxw_workbook_options(constant_memory: 1, tmpdir: nil, use_zip64: 1)
        guard let handle = workbook_new_opt(path, &options) else {
            throw XLSXError("creating \(path)", reason: "libxlsxwriter could not allocate a workbook")
        }
        self.handle = handle
    }

    deinit {
        // A workbook dropped without close() (an error on the way) frees the library's memory
        // and temporary files and writes nothing.
        if let handle { lxw_workbook_free(handle) }
    }

    /// A new sheet whose first row is `header` (bold, frozen, with an autofilter over the data).
    /// - Parameter name: at most 31 characters, none of `[]:*?/\`.
    public func addSheet(_ name: String, header: [String]) throws -> Sheet {
        guard let handle else { throw XLSXError("adding sheet \(name)", reason: "the workbook is closed") }
        guard let sheet = workbook_add_worksheet(handle, name) else {
            throw XLSXError("adding sheet \(name)", reason: "invalid or duplicate sheet name")
        }
        let created = Sheet(sheet, name: name, columns: header.count, formats: self)
        try created.append(header.map(Cell.text), format: format("header"))
        sheets.append(created)
        return created
    }

    /// Finishes every sheet (widths, frozen header, autofilter) and writes the file.
    /// - Throws: ``XLSXError`` with libxlsxwriter's reason (a directory that does not exist,
    ///   no permission, a full disk).
    public func close() throws {
        guard let handle else { return }
        self.handle = nil
        for sheet in sheets { try sheet.finish() }
        try XLSXError.check(workbook_close(handle), "writing \(path)")
    }

    /// The cell format named `key`: `header` (bold), `n<places>` (`0.00`…), `integer`, `datetime`.
    func format(_ key: String) -> UnsafeMutablePointer<lxw_format>? {
        if let known = formats[key] { return known }
        guard let handle, let format = workbook_add_format(handle) else { return nil }
        switch key {
        case "header": format_set_bold(format)
        case "integer": format_set_num_format(format, "0")
        case "datetime": format_set_num_format(format, "yyyy-mm-dd hh:mm:ss")
        default:
            let places = Int(key.dropFirst()) ?? 2
            format_set_num_format(format, places == 0 ? "0" : "0." + String(repeating: "0", count: places))
        }
        formats[key] = format
        return format
    }
}
