public import Foundation
import PQ
public import TouchstoneCore

/// `touchstone import audits FILE.jsonl`: one audit document a line, stored as
/// ``AuditQueries/submit(tenant:document:submittedBy:now:database:)`` stores it, all in one
/// transaction: all-or-nothing unless skip-invalid. Errors name the line and the path (`line 3: answers.S1`).
///
/// Set-based: every line is parsed first; then runs of consecutive lines (up to ``batchSize``)
/// are checked with one query for all their references and written with one statement per
/// table (``AuditSubmission/insert(_:_:submittedBy:now:)``), their releases announced at once
/// (``AuditRelease``). The rules are the upload's: the same parse, checks, scoring, trust
/// flags and state on arrival, on the database as the lines before left it.
///
/// Which lines take which path:
/// - New audits, identical replays of a stored id (unchanged, nothing written) and changed
///   uploads under the id of a stored audit that was not sent back (rejected, as an upload is)
///   are decided in the run. An id repeated inside the run compares with its earlier line as it
///   would once stored: identical is unchanged, different is refused as a changed upload.
/// - Lines that are not plain new audits take the upload's own path, one at a time, after the
///   lines before them are written: a resubmission of an audit that was sent back (it updates
///   and rescores a stored audit), and field uploads, which name a planned `visit` (it is locked
///   and moved) or carry a `device` trace (the rotation signal counts the earlier visits, which
///   earlier lines may have stored).
/// - A run the database refuses as a whole (a concurrent upload of one of its ids, any database
///   error) is rolled back and taken line by line, so the error is the one line's, as before.
public enum AuditImport {
    /// The most lines checked and written together.
    static let batchSize = 1_000

    /// Imports the documents of `file`. Re-importing the same file changes nothing (every
    /// line is an identical replay); a changed document under a stored id is a rejected line.
    /// - Returns: rows read, inserted, updated (re-uploads of audits sent back), unchanged
    ///   (identical replays), and with skip-invalid the rejected lines (their one field is the line's text).
    public static func run(
        tenant: Tenant, file: URL, submittedBy: String, options: ImportOptions = ImportOptions(),
        now: Date = Date(), database: Database
    ) async throws -> ImportReport {
        guard let data = FileManager.default.contents(atPath: file.path) else {
            throw StoreError.invalid([Problem(path: file.path, message: "cannot read the file")])
        }
        let lines = Self.lines(data, tenant: tenant, now: now)
        return try await database.tenantTransaction(tenant) { conn in
            var run = Run(conn: conn, tenant: tenant, submittedBy: submittedBy, skipInvalid: options.skipInvalid, now: now)
            run.report.rows = lines.count
            var start = 0
            while start < lines.count && !run.stopped {
                if lines[start].isField {
                    try run.alone(lines[start])
                    start += 1
                    continue
                }
                var end = start
                while end < lines.count && end - start < batchSize && !lines[end].isField { end += 1 }
                start = try run.together(lines[start..<end])
            }
            if !run.problems.isEmpty { throw StoreError.invalid(run.problems) }
            return run.report
        }
    }

    /// The lines of `data` that are not blank, parsed.
    static func lines(_ data: Data, tenant: Tenant, now: Date) -> [Line] {
        let texts = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated().compactMap { index, line in
            line.contains { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\r") && $0 != UInt8(ascii: "\t") } ? (index + 1, Data(line)) : nil
        }
        // Parsed on all cores: a document's parse reads nothing but its line.
        return texts.concurrentMap { number, text in
            let parsed: Result<(AuditDocument, [Problem]), StoreError>
            do throws(StoreError) {
                parsed = .success(try AuditSubmission.parse(text, tenant: tenant, now: now))
            } catch {
                parsed = .failure(error)
            }
            return Line(number: number, text: text, parsed: parsed)
        }
    }

    /// A line of the file that is not blank, parsed.
    struct Line {
        var number: Int
        var text: Data
        var parsed: Result<(AuditDocument, [Problem]), StoreError>

        /// A field upload (names a planned visit or carries a device trace).
        var isField: Bool {
            guard case .success(let (doc, _)) = parsed else { return false }
            return doc.visit != nil || doc.device != nil
        }
    }

    /// A run the database refused as a whole: taken again line by line.
    private struct LineByLine: Error {}

    /// The import's state in its transaction.
    private struct Run {
        let conn: PQConnection
        let tenant: Tenant
        let submittedBy: String
        let skipInvalid: Bool
        let now: Date
        var report = ImportReport(rows: 0, inserted: 0, updated: 0, unchanged: 0, rejected: [])
        var problems: [Problem] = []
        /// A database error aborted the transaction (all-or-nothing): the rest cannot be checked.
        var stopped = false
        var settings: FieldSettingsQueries.Settings?

        init(conn: PQConnection, tenant: Tenant, submittedBy: String, skipInvalid: Bool, now: Date) {
            self.conn = conn
            self.tenant = tenant
            self.submittedBy = submittedBy
            self.skipInvalid = skipInvalid
            self.now = now
        }

        /// One line through the upload's path (in its own savepoint with skip-invalid).
        mutating func alone(_ line: Line) throws {
            do {
                if skipInvalid { try conn.execute("SAVEPOINT audit_line") }
                let (_, outcome) = try AuditSubmission.run(conn, tenant: tenant, json: line.text, submittedBy: submittedBy, now: now)
                if skipInvalid { try conn.execute("RELEASE SAVEPOINT audit_line") }
                switch outcome {
                case .inserted: report.inserted += 1
                case .resubmitted: report.updated += 1
                case .replayed: report.unchanged += 1
                }
            } catch {
                try refused(line, error, rollBack: true)
            }
        }

        /// Records `line` as refused for `error`; `rollBack`: undo what it wrote (skip-invalid).
        private mutating func refused(_ line: Line, _ error: any Error, rollBack: Bool) throws {
            let lineProblems = AuditImport.problems(StoreError.translate(error), line: line.number)
            guard skipInvalid else {
                problems += lineProblems
                if error is PQError { stopped = true }
                return
            }
            if rollBack { try conn.execute("ROLLBACK TO SAVEPOINT audit_line") }
            report.rejected.append(
                RejectedRow(line: line.number, fields: [String(decoding: line.text, as: UTF8.self)], errors: lineProblems.map(\.description)))
        }

        /// Consecutive lines that are not field uploads, checked and written together; the index
        /// of the next line to import (after a resubmission, which is imported alone).
        mutating func together(_ lines: ArraySlice<Line>) throws -> Int {
            let before = (report, problems)
            try conn.execute("SAVEPOINT audit_batch")
            do {
                let next = try checkAndWrite(lines)
                try conn.execute("RELEASE SAVEPOINT audit_batch")
                return next
            } catch is LineByLine {
            } catch is PQError {}
            try conn.execute("ROLLBACK TO SAVEPOINT audit_batch")
            (report, problems, stopped) = (before.0, before.1, false)
            for line in lines where !stopped { try alone(line) }
            return lines.endIndex
        }

        private mutating func checkAndWrite(_ lines: ArraySlice<Line>) throws -> Int {
            let parsed = lines.map { try? $0.parsed.get() }
            let documents = parsed.compactMap { $0?.0 }
            let found = documents.isEmpty ? [] : try hashJoined { try AuditSubmission.references(conn, tenant: tenant, documents: documents) }
            let settings = try self.settings ?? FieldSettingsQueries.get(conn)
            self.settings = settings
            // Each line's references (nil for a line that did not parse), and the templates they name.
            var next = found.makeIterator()
            let references = parsed.map { line in line.map { _ in next.next()! } }
            var read: [String: Result<Template, any Error>] = [:]
            for (line, r) in zip(parsed, references) {
                guard let doc = line?.0, let r, let hash = r.templateHash, read[hash] == nil else { continue }
                do {
                    read[hash] = .success(try AuditSubmission.template(conn, of: doc, references: r)!)
                } catch let error as PQError {
                    throw error
                } catch {
                    read[hash] = .failure(error)
                }
            }
            // Checked, scored and flagged on all cores: the core's rules read nothing.
            let (templates, run) = (read, (tenant: tenant, now: now))
            let checked = Array(zip(parsed, references)).concurrentMap { line, r -> Result<AuditSubmission.New, any Error>? in
                guard let (doc, problems) = line, let r else { return nil }
                return Result {
                    let (template, checked) = try AuditSubmission.checked(
                        doc, problems: problems, references: r, template: r.templateHash.map { try templates[$0]!.get() }, tenant: run.tenant,
                        settings: settings)
                    return AuditSubmission.New(doc, template: template, checked: checked, tenant: run.tenant, now: run.now)
                }
            }
            var pending: [AuditSubmission.New] = []
            var seen: [String: (hash: String, state: AuditState)] = [:]
            for (offset, index) in lines.indices.enumerated() {
                let line = lines[index]
                let new: AuditSubmission.New
                do {
                    _ = try line.parsed.get()
                    new = try checked[offset]!.get()
                } catch {
                    try refused(line, error, rollBack: false)
                    continue
                }
                let doc = new.doc
                let key = doc.id.lowercased()
                guard let stored = seen[key] ?? references[offset]!.stored else {
                    seen[key] = (new.hash, new.state)
                    pending.append(new)
                    continue
                }
                if stored.hash == new.hash {
                    report.unchanged += 1
                } else if stored.state == .returned {
                    try write(pending)
                    try alone(line)
                    return index + 1
                } else {
                    try refused(line, AuditSubmission.changedUpload(doc.id, storedState: stored.state), rollBack: false)
                }
            }
            try write(pending)
            return lines.endIndex
        }

        /// Writes new audits (all or none: otherwise their run goes line by line) and announces
        /// the released ones.
        private mutating func write(_ audits: [AuditSubmission.New]) throws {
            try hashJoined {
                guard try AuditSubmission.insert(conn, audits, submittedBy: submittedBy, now: now) == audits.count else { throw LineByLine() }
                try AuditRelease.run(conn, audits.filter { $0.state == .released }.map(\.released), by: submittedBy, at: now)
            }
            report.inserted += audits.count
        }

        /// Runs `body`'s statements over a whole run with nested loops off. Inside the import's
        /// transaction the planner's statistics do not count the rows it has written (a new
        /// tenant's audits and outlets look like one row), and a nested loop over "one" row
        /// rescanned the tenant's outlets for every audit of a run (0.7 s a run, auto_explain).
        /// The upload's own path (field lines, resubmissions) keeps the default.
        private func hashJoined<T>(_ body: () throws -> T) throws -> T {
            try conn.execute("SET LOCAL enable_nestloop = off")
            let value = try body()
            try conn.execute("SET LOCAL enable_nestloop TO DEFAULT")
            return value
        }
    }

    /// An error of one line as problems whose path starts with `line N`.
    private static func problems(_ error: any Error, line: Int) -> [Problem] {
        switch error {
        case StoreError.invalid(let problems):
            return problems.map { Problem(path: $0.path.isEmpty ? "line \(line)" : "line \(line): \($0.path)", message: $0.message) }
        case let error as StoreError:
            return [Problem(path: "line \(line)", message: error.description)]
        default:
            return [Problem(path: "line \(line)", message: "\(error)")]
        }
    }
}
