import ArgumentParser
import Foundation
import TouchstoneCore
import TouchstoneStore

/// `touchstone import outlets|staff|surveys|complaints|visits --tenant T FILE.csv` (and `audits FILE.jsonl`).
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a CSV file (outlets, staff, surveys, complaints, visits) or audits (JSONL); all-or-nothing unless --skip-invalid.")

    @Argument(help: "What the file holds: outlets, staff, surveys, complaints, visits, or audits (one JSON document a line).") var kind: String
    @Argument(help: "The file.") var file: String
    @Option(help: "The tenant code.") var tenant: String
    @Option(name: .customLong("skip-invalid"), help: "Import the valid rows; write rejected rows with an error column to this file.")
    var skipInvalid: String?
    @Flag(name: .customLong("ignore-extra"), help: "Ignore columns the format does not know.") var ignoreExtra = false
    @Flag(name: .customLong("dry-run"), help: "Check the file and count new, changed and unchanged rows; store nothing (CSV kinds).")
    var dryRun = false
    @Option(name: .customLong("submitted-by"), help: "For audits: the uploader's login recorded on each audit.")
    var submittedBy = "cli"
    @OptionGroup var options: CommonOptions

    func run() async throws {
        try await reportingFailures {
            if kind == "audits" { return try await importAudits() }
            guard let importKind = ImportKind(rawValue: kind) else {
                throw ValidationError("unknown import kind \(kind): use \(ImportKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard FileManager.default.isReadableFile(atPath: file) else { throw ValidationError("cannot read \(file)") }
            let line = ProgressLine()
            let kind = kind
            let importOptions = ImportOptions(
                skipInvalid: skipInvalid != nil, ignoreExtraColumns: ignoreExtra, dryRun: dryRun,
                progress: { line.update("\(kind): \($0) rows read") })
            let report: ImportReport
            do {
                report = try await options.withTenant(tenant) { database, tenant in
                    return try await importCSV(
                        importKind, file: URL(fileURLWithPath: file), tenant: tenant, options: importOptions, database: database)
                }
                line.finish()
            } catch {
                line.finish()
                throw error
            }
            if let skipInvalid {
                try RejectedRowsFile.write(report.rejected, columns: importKind.columns, to: skipInvalid)
            }
            if let encoding = report.convertedFrom {
                print("\(file) is \(encoding.rawValue) (GBK) text, not UTF-8: converted it to UTF-8 before importing")
            }
            let verbs = dryRun ? ("would be inserted", "would be updated") : ("inserted", "updated")
            print(
                "\(kind)\(dryRun ? " (dry run, nothing stored)" : ""): \(report.rows) rows, \(report.inserted) \(verbs.0), \(report.updated) \(verbs.1), \(report.unchanged) unchanged, \(report.rejected.count) rejected"
            )
        }
    }

    /// `import audits FILE.jsonl`: rejected lines go to the --skip-invalid file with their `error`.
    private func importAudits() async throws {
        if dryRun { throw ValidationError("--dry-run is for the CSV kinds (outlets, staff, surveys, complaints, visits)") }
        let importOptions = ImportOptions(skipInvalid: skipInvalid != nil)
        let report = try await options.withTenant(tenant) { database, tenant in
            return try await AuditImport.run(
                tenant: tenant, file: URL(fileURLWithPath: file), submittedBy: submittedBy,
                options: importOptions, database: database)
        }
        if let skipInvalid {
            try RejectedRowsFile.write(report.rejected, columns: ["document"], to: skipInvalid)
        }
        print(
            "audits: \(report.rows) documents, \(report.inserted) inserted, \(report.updated) resubmitted, \(report.unchanged) unchanged, \(report.rejected.count) rejected"
        )
    }
}
