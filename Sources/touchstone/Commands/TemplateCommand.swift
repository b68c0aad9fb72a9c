import ArgumentParser
import Foundation
import TouchstoneCore
import TouchstoneStore

/// `touchstone template add --tenant T FILE.json`: a checklist template version.
struct TemplateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "template", abstract: "Manage checklist templates.", subcommands: [Add.self])

    /// Adds (or, while no audit uses it, replaces) a template version.
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a checklist template version from a JSON file (a version used by audits cannot change).")

        @Argument(help: "The template JSON file.") var file: String
        @Option(help: "The tenant code.") var tenant: String
        @OptionGroup var options: CommonOptions

        func run() async throws {
            try await reportingFailures {
                let json = try readFile(file)
                let (template, outcome) = try await options.withTenant(tenant) { database, tenant in
                    return try await TemplateQueries.add(tenant: tenant, json: json, database: database)
                }
                print("template \(template.code) version \(template.version): \(outcome.rawValue)")
            }
        }
    }
}
