import Foundation
import PQ
import TouchstoneCore

/// Runs a ``CSVFormat`` import: header, cell checks, COPY into staging, reference checks,
/// merge, and one change-log row for the run — in one transaction, all-or-nothing unless
/// ``ImportOptions/skipInvalid``. A GBK/GB18030 file is converted first (``ImportSource``);
/// a dry run (``ImportOptions/dryRun``) does all of it inside a savepoint it rolls back.
struct CSVImporter: Sendable {
    let format: CSVFormat
    /// What the change log calls the imported records (`outlets`, `surveys`, …).
    let entity: String
    let options: ImportOptions

    /// Imports `file` for `tenant`. Throws ``StoreError/invalid(_:)`` listing every bad
    /// row (line and column) when the file has any and skip-invalid is off; nothing is written then.
    func run(file: URL, tenant: Tenant, database: Database) async throws -> ImportReport {
        let importer = self
        return try await database.tenantTransaction(tenant) { conn in try importer.run(conn, file: file) }
    }

    /// Imports `file` inside the caller's tenant transaction on `conn` (see ``run(file:tenant:database:)``).
    func run(_ conn: PQConnection, file: URL) throws -> ImportReport {
        let source = try ImportSource.open(file)
        defer { source.close() }
        if options.dryRun { try conn.execute("SAVEPOINT import_dry_run") }
        var report = try load(conn, file: source.url)
        report.convertedFrom = source.convertedFrom
        if options.dryRun {
            try conn.execute(script: "ROLLBACK TO SAVEPOINT import_dry_run; RELEASE SAVEPOINT import_dry_run")
            report.dryRun = true
        } else {
            try ChangeQueries.recordImport(conn, entity: entity, fileDigest: try Hashing.sha256Hex(file: file), report: report)
        }
        return report
    }

    private func load(_ conn: PQConnection, file: URL) throws -> ImportReport {
        let format = self.format
        let options = self.options
        do {
            guard let handle = FileHandle(forReadingAtPath: file.path) else {
                throw StoreError.invalid([Problem(path: file.path, message: "cannot open the file")])
            }
            defer { try? handle.close() }
            var reader = CSVReader(handle: handle)
            let layout = try Self.layout(of: &reader, format: format, options: options)

            try conn.execute(script: Self.stagingDDL(format))
            var problems: [Problem] = []
            var rejected: [Int: RejectedRow] = [:]
            var rows = 0
            _ = try conn.copyIn("COPY import_stage FROM STDIN") { writer in
                while let record = try Self.nextRecord(&reader) {
                    rows += 1
                    if rows % ImportOptions.progressInterval == 0 { options.progress?(rows) }
                    let (values, rowProblems) = Self.check(record, layout: layout, format: format)
                    if rowProblems.isEmpty {
                        try writer.writeRow([String(record.line)] + values)
                    } else {
                        problems += rowProblems
                        rejected[record.line] = RejectedRow(
                            line: record.line, fields: values.map { $0 ?? "" }, errors: rowProblems.map(\.description))
                    }
                }
            }
            options.progress?(rows)
            // The tenant's rows can be newer than the planner's statistics: outlets imported a
            // minute ago look like none, and a nested loop over "one" outlet rescans the whole
            // file per outlet (a 100,000-row staff file into a new tenant ran for hours). Every
            // statement below reads the whole file: hash joins are right whatever the estimates.
            try conn.execute(script: "ANALYZE import_stage; SET LOCAL enable_nestloop = off")
            for check in format.checks {
                for (line, column, message) in try conn.query(Query(unsafeSQL: check), as: (Int, String, String).self) {
                    let problem = Problem.csv(line: line, column: column, message)
                    problems.append(problem)
                    let previous = rejected[line]
                    rejected[line] = RejectedRow(
                        line: line, fields: try previous?.fields ?? Self.stagedFields(conn, line: line, format: format),
                        errors: (previous?.errors ?? []) + [problem.description])
                }
            }
            if !problems.isEmpty && !options.skipInvalid {
                throw StoreError.invalid(problems.sorted { Self.lineOf($0) < Self.lineOf($1) })
            }
            if !rejected.isEmpty {
                try conn.execute("DELETE FROM import_stage WHERE line = ANY(\(Array(rejected.keys)))")
            }
            var inserted = 0
            var updated = 0
            for statement in format.merge {
                if let counts = try conn.queryFirst(Query(unsafeSQL: statement)), counts.columns.count == 2 {
                    (inserted, updated) = try counts.decode((Int, Int).self)
                }
            }
            try format.afterMerge?(conn)
            if !options.dryRun { try conn.analyzeAfterImport(format.tables, changed: inserted + updated) }
            let accepted = rows - rejected.count
            return ImportReport(
                rows: rows, inserted: inserted, updated: updated, unchanged: accepted - inserted - updated,
                rejected: rejected.values.sorted { $0.line < $1.line })
        }
    }

    /// Where each format column sits in the file (in the order of the format's columns; nil when
    /// the header lacks it), and how many fields a row has, from the header row.
    private struct Layout {
        var positions: [Int?]
        var width: Int
    }

    private static func layout(of reader: inout CSVReader, format: CSVFormat, options: ImportOptions) throws -> Layout {
        guard let header = try nextRecord(&reader) else {
            throw StoreError.invalid([Problem.csv(line: 1, column: nil, "the file is empty: a header row is required")])
        }
        var layout: [String: Int] = [:]
        var problems: [Problem] = []
        let known = Set(format.columns.map(\.name))
        for (index, raw) in header.fields.enumerated() {
            let name = raw.trimmingLineWhitespace
            if layout[name] != nil {
                problems.append(.csv(line: header.line, column: name, "the column appears twice in the header"))
            } else if known.contains(name) {
                layout[name] = index
            } else if !options.ignoreExtraColumns {
                problems.append(
                    .csv(
                        line: header.line, column: name,
                        "unknown column (expected \(format.columns.map(\.name).joined(separator: ","))); use --ignore-extra to ignore it"))
            }
        }
        for column in format.columns where column.required && layout[column.name] == nil {
            problems.append(.csv(line: header.line, column: column.name, "required column is missing from the header"))
        }
        if !problems.isEmpty { throw StoreError.invalid(problems) }
        return Layout(positions: format.columns.map { layout[$0.name] }, width: header.fields.count)
    }

    private static func nextRecord(_ reader: inout CSVReader) throws -> CSVReader.Record? {
        do {
            return try reader.next()
        } catch {
            throw StoreError.invalid([Problem.csv(line: error.line, column: nil, error.message)])
        }
    }

    /// The row's values in the order of the format's columns (nil for empty cells) and its problems.
    private static func check(_ record: CSVReader.Record, layout: Layout, format: CSVFormat) -> ([String?], [Problem]) {
        var values = [String?](repeating: nil, count: format.columns.count)
        var problems: [Problem] = []
        if record.fields.count != layout.width {
            problems.append(.csv(line: record.line, column: nil, "has \(record.fields.count) fields, the header has \(layout.width)"))
        }
        for (ordinal, column) in format.columns.enumerated() {
            guard let index = layout.positions[ordinal], index < record.fields.count else {
                if column.required { problems.append(.csv(line: record.line, column: column.name, "a value is required")) }
                continue
            }
            let value = record.fields[index].trimmingLineWhitespace
            if value.isEmpty {
                if column.required { problems.append(.csv(line: record.line, column: column.name, "a value is required")) }
                continue
            }
            values[ordinal] = value
            if let message = column.check(value) {
                problems.append(.csv(line: record.line, column: column.name, message))
            }
        }
        if problems.isEmpty {
            let cells = CSVFormat.Cells(columns: format.columns, values: values)
            for rule in format.rowRules {
                if let (column, message) = rule(cells) { problems.append(.csv(line: record.line, column: column, message)) }
            }
        }
        return (values, problems)
    }

    private static func stagingDDL(_ format: CSVFormat) -> String {
        let columns = format.columns.map { "\($0.name) text" }.joined(separator: ", ")
        return "CREATE TEMP TABLE import_stage (line integer PRIMARY KEY, \(columns)) ON COMMIT DROP"
    }

    private static func stagedFields(_ conn: PQConnection, line: Int, format: CSVFormat) throws -> [String] {
        // Spliced as SQL text: the format's own column names (constants of ``CSVFormat``), never the file's header.
        let columns = format.columns.map(\.name).joined(separator: ", ")
        guard let row = try conn.queryFirst("SELECT line, \(unsafeRaw: columns) FROM import_stage WHERE line = \(line)") else { return [] }
        return try (1...format.columns.count).map { try row.decode($0, as: String?.self) ?? "" }
    }

    private static func lineOf(_ problem: Problem) -> Int {
        Int(problem.path.dropFirst("line ".count).prefix { $0.isNumber }) ?? 0
    }
}
