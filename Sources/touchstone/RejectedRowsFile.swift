import Foundation
import TouchstoneStore

/// The `--skip-invalid FILE` report: the rejected rows in the import's columns plus `line` and `error`.
enum RejectedRowsFile {
    static func write(_ rows: [RejectedRow], columns: [String], to path: String) throws {
        var text = CSVWriter.line(["line"] + columns + ["error"])
        for row in rows {
            text += CSVWriter.line([String(row.line)] + row.fields + [row.errors.joined(separator: "; ")])
        }
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path as Any])
        }
    }
}
