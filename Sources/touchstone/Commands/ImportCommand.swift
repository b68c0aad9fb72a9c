import ArgumentParser
import Foundation
import TouchstoneStore

/// `touchstone import outlets|staff|surveys|complaints --tenant T FILE.csv` (and `audits FILE.jsonl`).
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a CSV file (outlets, staff, surveys, complaints) or audits (JSONL); all-or-nothing unless --skip-invalid.")

    @Argument(help: "What the file holds: outlets, staff, surveys, complaints, or audits (one JSON document a line).") var kind: String
    @Argument(help: "The file.") var file: String
    @Option(help: "The tenant code.") var tenant: String
    @Option(name: .customLong("skip-invalid"), help: "Import the valid rows; write rejected rows with an error column to this file.")
    var skipInvalid: String?
    @Flag(name: .customLong("ignore-extra"), help: "Ignore columns the format does not know.") var ignoreExtra = false
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
            let importOptions = ImportOptions(skipInvalid: skipInvalid != nil, ignoreExtraColumns: ignoreExtra)
            let report = try await options.withTenant(tenant) { database, tenant in
                return try await importCSV(importKind, file: URL(fileURLWithPath: file), tenant: tenant, options: importOptions, database: database)
            }
            if let skipInvalid {
                try RejectedRowsFile.write(report.rejected, columns: importKind.columns, to: skipInvalid)
            }
            print("\(kind): \(report.rows) rows, \(report.inserted) inserted, \(report.updated) updated, \(report.unchanged) unchanged, \(report.rejected.count) rejected")
        }
    }

    /// `import audits FILE.jsonl`: rejected lines go to the --skip-invalid file with their `error`.
    private func importAudits() async throws {
        let importOptions = ImportOptions(skipInvalid: skipInvalid != nil)
        let report = try await options.withTenant(tenant) { database, tenant in
            return try await AuditImport.run(tenant: tenant, file: URL(fileURLWithPath: file), submittedBy: submittedBy,
                                             options: importOptions, database: database)
        }
        if let skipInvalid {
            try RejectedRowsFile.write(report.rejected, columns: ["document"], to: skipInvalid)
        }
        print("audits: \(report.rows) documents, \(report.inserted) inserted, \(report.updated) resubmitted, \(report.unchanged) unchanged, \(report.rejected.count) rejected")
    }
}
