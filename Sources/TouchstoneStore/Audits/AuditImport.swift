public import Foundation
import PQ
public import TouchstoneCore

/// `touchstone import audits FILE.jsonl`: one audit document a line, uploaded as by
/// ``AuditQueries/submit(tenant:document:submittedBy:now:database:)``, all in one transaction:
/// all-or-nothing unless skip-invalid. Errors name the line and the path (`line 3: answers.S1`).
public enum AuditImport {
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
        return try await database.tenantTransaction(tenant) { conn in
            var report = ImportReport(rows: 0, inserted: 0, updated: 0, unchanged: 0, rejected: [])
            var problems: [Problem] = []
            for (index, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
                let text = Data(line)
                guard text.contains(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\r") && $0 != UInt8(ascii: "\t") }) else { continue }
                report.rows += 1
                let lineNumber = index + 1
                do {
                    if options.skipInvalid { try conn.execute("SAVEPOINT audit_line") }
                    let (_, outcome) = try AuditSubmission.run(conn, tenant: tenant, json: text, submittedBy: submittedBy, now: now)
                    if options.skipInvalid { try conn.execute("RELEASE SAVEPOINT audit_line") }
                    switch outcome {
                    case .inserted: report.inserted += 1
                    case .resubmitted: report.updated += 1
                    case .replayed: report.unchanged += 1
                    }
                } catch {
                    let lineProblems = Self.problems(StoreError.translate(error), line: lineNumber)
                    guard options.skipInvalid else {
                        problems += lineProblems
                        // A database error has aborted the transaction: the rest cannot be checked.
                        if error is PQError { break }
                        continue
                    }
                    try conn.execute("ROLLBACK TO SAVEPOINT audit_line")
                    report.rejected.append(
                        RejectedRow(
                            line: lineNumber, fields: [String(decoding: text, as: UTF8.self)],
                            errors: lineProblems.map(\.description)))
                }
            }
            if !problems.isEmpty { throw StoreError.invalid(problems) }
            return report
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
