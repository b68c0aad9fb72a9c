import Foundation
public import TouchstoneCore

/// Imports rows given as JSON objects (call-centre systems posting callbacks or complaints)
/// through exactly the same checks and merge as the CSV file: the rows are written as a CSV
/// file in the format's columns and imported, and problems are renamed from `line N, column c`
/// to `rows[i].c`.
public enum RowImport {
    /// Imports `rows` (each a JSON object's members keyed by the format's column names, values as
    /// strings, numbers or null). All-or-nothing unless `options.skipInvalid`.
    public static func run(
        _ kind: ImportKind, rows: [[(key: String, value: JSONValue)]], tenant: Tenant, options: ImportOptions = ImportOptions(), database: Database
    ) async throws -> ImportReport {
        var problems: [Problem] = []
        var text = CSVWriter.line(kind.columns)
        let known = Set(kind.columns)
        for (index, members) in rows.enumerated() {
            let row = Dictionary(members, uniquingKeysWith: { first, _ in first })
            for key in row.keys.sorted() where !known.contains(key) {
                problems.append(Problem(path: "rows[\(index)].\(key)", message: "unknown field (expected \(kind.columns.joined(separator: ", ")))"))
            }
            text += CSVWriter.line(
                kind.columns.map { column in
                    switch row[column] {
                    case .string(let value)?: return value
                    case .number(let value)?: return value
                    case .bool(let value)?: return String(value)
                    case .null?, nil: return ""
                    case .array?, .object?:
                        problems.append(Problem(path: "rows[\(index)].\(column)", message: "must be a string or a number"))
                        return ""
                    }
                })
        }
        if !problems.isEmpty && !options.skipInvalid { throw StoreError.invalid(problems) }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("touchstone-rows-\(UUID().uuidString).csv")
        try Data(text.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        do {
            var report = try await importCSV(kind, file: file, tenant: tenant, options: options, database: database)
            report.rejected = report.rejected.map { RejectedRow(line: $0.line - 2, fields: $0.fields, errors: $0.errors.map(renamed)) }
            return report
        } catch StoreError.invalid(let found) {
            throw StoreError.invalid(found.map { Problem(path: renamed($0.path), message: $0.message) })
        }
    }

    /// `line 3, column sat…` → `rows[1].sat…` (line 1 is the header); other text unchanged.
    static func renamed(_ text: String) -> String {
        guard let match = text.firstMatch(of: /^line (\d+)(?:, column ([A-Za-z_]+))?/), let line = Int(match.1) else { return text }
        let row = "rows[\(line - 2)]" + (match.2.map { ".\($0)" } ?? "")
        return row + text[match.range.upperBound...]
    }
}
