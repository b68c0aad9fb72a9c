public import Foundation
import PQ
public import TouchstoneCore

/// `touchstone import audits FILE.jsonl`: one audit document a line, stored as
/// ``AuditQueries/submit(tenant:document:submittedBy:now:database:)`` stores it, all in one
/// transaction: all-or-nothing unless skip-invalid. Errors name the line and the path (`line 3: answers.S1`).
///
/// Set-based: every line is parsed first; then runs of consecutive lines (up to ``batchSize``)
/// are checked with one query for all their references and written with one statement per
/// table (``AuditSubmission/insertion(_:submittedBy:now:)``), their releases announced at once
/// (``AuditRelease``). The rules are the upload's: the same parse, checks, scoring, trust
/// flags and state on arrival, on the database as the lines before left it.
///
/// While a run's statement executes, the next run is checked, scored and its statement built
/// here (``PQConnection/execute(_:while:)``): its references are read just before, so the audits
/// the run writes are taken as stored from the run itself. Nothing else the check reads changes
/// in a run: field uploads (whose rotation signal counts stored visits) and resubmissions end a
/// run, the attachments a run writes have no bytes yet, and a run that goes line by line
/// discards the next run's plan.
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
    public static let batchSize = 1_000

    /// Imports the documents of `file`. Re-importing the same file changes nothing (every
    /// line is an identical replay); a changed document under a stored id is a rejected line.
    /// `runSize`: the most lines checked and written together.
    /// - Returns: rows read, inserted, updated (re-uploads of audits sent back), unchanged
    ///   (identical replays), and with skip-invalid the rejected lines (their one field is the line's text).
    public static func run(
        tenant: Tenant, file: URL, submittedBy: String, options: ImportOptions = ImportOptions(),
        now: Date = Date(), runSize: Int = batchSize, database: Database
    ) async throws -> ImportReport {
        guard let data = FileManager.default.contents(atPath: file.path) else {
            throw StoreError.invalid([Problem(path: file.path, message: "cannot read the file")])
        }
        let lines = Self.lines(data, tenant: tenant, now: now)
        return try await database.tenantTransaction(tenant) { conn in
            var run = try Run(conn: conn, tenant: tenant, submittedBy: submittedBy, skipInvalid: options.skipInvalid, now: now)
            run.report.rows = lines.count
            var start = 0
            var prepared: Plan?
            while start < lines.count && !run.stopped {
                if lines[start].isField {
                    try run.alone(lines[start])
                    start += 1
                    continue
                }
                let end = Self.runEnd(lines, from: start, size: runSize)
                let following = end < lines.count && !lines[end].isField ? lines[end..<Self.runEnd(lines, from: end, size: runSize)] : nil
                (start, prepared) = try run.together(lines[start..<end], prepared: prepared, following: following)
            }
            if !run.problems.isEmpty { throw StoreError.invalid(run.problems) }
            try conn.analyzeAfterImport(
                ["audits", "audit_section_scores", "audit_dimension_scores"], changed: run.report.inserted + run.report.updated)
            return run.report
        }
    }

    /// The end of the run of lines that starts at `start` (not a field upload): up to `size`
    /// consecutive lines that are not field uploads.
    private static func runEnd(_ lines: [Line], from start: Int, size: Int) -> Int {
        var end = start
        while end < lines.count && end - start < size && !lines[end].isField { end += 1 }
        return end
    }

    /// The lines of `data` that are not blank, parsed.
    static func lines(_ data: Data, tenant: Tenant, now: Date) -> [Line] {
        let texts = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated().compactMap { index, line in
            line.contains { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\r") && $0 != UInt8(ascii: "\t") } ? (index + 1, Data(line)) : nil
        }
        // Parsed on all cores: a document's parse reads nothing but its line.
        return texts.concurrentMap { number, text in
            Line(number: number, text: text, parsed: Result { () throws(StoreError) in try AuditSubmission.parse(text, tenant: tenant, now: now) })
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

    /// What becomes of a line of a run.
    private enum Outcome {
        /// A new audit, written with its run.
        case new
        /// An identical replay of a stored audit.
        case unchanged
        case refused(any Error)
        /// A changed upload of an audit sent back: imported alone, after the new audits before it.
        case resubmission
    }

    /// A run's lines checked, scored and decided (up to and including a resubmission, which ends
    /// the run), and the statement writing its new audits.
    private struct Plan {
        var lines: Range<Int>
        var outcomes: [Outcome]
        var pending: [AuditSubmission.New]
        var insertion: Query?

        /// The line of the resubmission that ends the run, if one does.
        var resubmission: Int? {
            guard case .resubmission = outcomes.last else { return nil }
            return lines.lowerBound + outcomes.count - 1
        }
    }

    /// The import's state in its transaction.
    private struct Run {
        let conn: PQConnection
        let tenant: Tenant
        let submittedBy: String
        let skipInvalid: Bool
        let now: Date
        let settings: FieldSettingsQueries.Settings
        var report = ImportReport(rows: 0, inserted: 0, updated: 0, unchanged: 0, rejected: [])
        var problems: [Problem] = []
        /// A database error aborted the transaction (all-or-nothing): the rest cannot be checked.
        var stopped = false

        init(conn: PQConnection, tenant: Tenant, submittedBy: String, skipInvalid: Bool, now: Date) throws {
            self.conn = conn
            self.tenant = tenant
            self.submittedBy = submittedBy
            self.skipInvalid = skipInvalid
            self.now = now
            settings = try FieldSettingsQueries.get(conn)
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

        /// Consecutive lines that are not field uploads, checked and written together (`prepared`:
        /// their plan, made while the run before them was written); the index of the next line to
        /// import (after a resubmission, which is imported alone), and the plan of the `following`
        /// run when it was made while these lines were written.
        mutating func together(
            _ lines: ArraySlice<Line>, prepared: Plan?, following: ArraySlice<Line>?
        ) throws -> (next: Int, prepared: Plan?) {
            let before = (report, problems)
            try conn.execute("SAVEPOINT audit_batch")
            do {
                let plan =
                    try prepared.flatMap { $0.lines == lines.indices ? $0 : nil }
                    ?? Self.plan(lines, hashJoined { try look(lines) }, written: [:], tenant: tenant, settings: settings, now: now, by: submittedBy)
                for (line, outcome) in zip(lines, plan.outcomes) {
                    switch outcome {
                    case .unchanged: report.unchanged += 1
                    case .refused(let error): try refused(line, error, rollBack: false)
                    case .new, .resubmission: break
                    }
                }
                let next = try write(plan, following: plan.resubmission == nil ? following : nil)
                report.inserted += plan.pending.count
                if let index = plan.resubmission { try alone(lines[index]) }
                try conn.execute("RELEASE SAVEPOINT audit_batch")
                return plan.resubmission.map { ($0 + 1, nil) } ?? (lines.endIndex, next)
            } catch is LineByLine {
            } catch is PQError {}
            try conn.execute("ROLLBACK TO SAVEPOINT audit_batch")
            (report, problems, stopped) = (before.0, before.1, false)
            for line in lines where !stopped { try alone(line) }
            return (lines.endIndex, nil)
        }

        /// What the database holds about `lines`: their references and templates.
        private func look(_ lines: ArraySlice<Line>) throws -> AuditSubmission.Lookup {
            try AuditSubmission.lookUp(conn, tenant: tenant, documents: lines.map { try? $0.parsed.get().0 })
        }

        /// Checks, scores and decides `lines` with what `lookup` read, the audits the run before
        /// wrote (`written`, by id in lower case: read before it wrote them, `lookup` does not hold
        /// them) counting as stored; builds the statement writing the new ones. Reads nothing:
        /// it runs while the run before is written.
        private static func plan(
            _ lines: ArraySlice<Line>, _ lookup: AuditSubmission.Lookup, written: [String: (hash: String, state: AuditState)], tenant: Tenant,
            settings: FieldSettingsQueries.Settings, now: Date, by submittedBy: String
        ) -> Plan {
            let checked = AuditSubmission.checkedAll(
                lines.map { try? $0.parsed.get() }, lookup, tenant: tenant, settings: settings, now: now)
            var outcomes: [Outcome] = []
            var pending: [AuditSubmission.New] = []
            var seen = written
            for (offset, line) in lines.enumerated() {
                let new: AuditSubmission.New
                do {
                    _ = try line.parsed.get()
                    new = try checked[offset]!.get()
                } catch {
                    outcomes.append(.refused(error))
                    continue
                }
                let key = new.doc.id.lowercased()
                guard let stored = seen[key] ?? lookup.references[offset]!.stored else {
                    seen[key] = (new.hash, new.state)
                    pending.append(new)
                    outcomes.append(.new)
                    continue
                }
                if stored.hash == new.hash {
                    outcomes.append(.unchanged)
                } else if stored.state == .returned {
                    outcomes.append(.resubmission)
                    break
                } else {
                    outcomes.append(.refused(AuditSubmission.changedUpload(new.doc.id, storedState: stored.state)))
                }
            }
            // Encoded here: sending a run's 80,000 values as text took 0.2-0.3 s after its references were read.
            return Plan(
                lines: lines.indices, outcomes: outcomes, pending: pending,
                insertion: pending.isEmpty ? nil : AuditSubmission.insertion(pending, submittedBy: submittedBy, now: now).encoded)
        }

        /// Writes `plan`'s new audits (all or none: otherwise their run goes line by line) and
        /// announces the released ones. While the statement runs, the `following` lines are
        /// checked and scored here (their references read just before it): their plan.
        private func write(_ plan: Plan, following: ArraySlice<Line>?) throws -> Plan? {
            let written = Dictionary(uniqueKeysWithValues: plan.pending.map { ($0.doc.id.lowercased(), (hash: $0.hash, state: $0.state)) })
            return try hashJoined {
                let lookup = try following.map { try look($0) }
                let planFollowing = { () -> Plan? in
                    guard let following, let lookup else { return nil }
                    return Self.plan(following, lookup, written: written, tenant: tenant, settings: settings, now: now, by: submittedBy)
                }
                guard let insertion = plan.insertion else { return planFollowing() }
                let (inserted, next) = try conn.execute(insertion, while: planFollowing)
                guard inserted == plan.pending.count else { throw LineByLine() }
                try AuditRelease.run(conn, plan.pending.filter { $0.state == .released }.map(\.released), by: submittedBy, at: now)
                return next
            }
        }

        /// Runs `body`'s statements over a whole run with nested loops off. Inside the import's
        /// transaction the planner's statistics do not count the rows it has written (a new
        /// tenant's audits and outlets look like one row), and a nested loop over "one" row
        /// rescanned the tenant's outlets for every audit of a run (0.7 s a run, auto_explain).
        /// The upload's own path (field lines, resubmissions) keeps the default.
        private func hashJoined<T>(_ body: () throws -> T) throws -> T {
            try conn.without(.nestedLoops, body)
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
