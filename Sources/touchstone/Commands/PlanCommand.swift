import ArgumentParser
import Foundation
import TouchstoneStore

/// `touchstone plan add --tenant T FILE.json`.
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan", abstract: "Incentive plans.", subcommands: [Add.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add an incentive plan (a new version when it differs from the latest).")

        @Argument(help: "The plan JSON file.") var file: String
        @Option(help: "The tenant code.") var tenant: String
        @OptionGroup var options: CommonOptions

        func run() async throws {
            try await reportingFailures {
                let json = try readFile(file)
                let result = try await options.withTenant(tenant) { database, tenant in
                    return try await PlanQueries.add(tenant: tenant, json: json, database: database)
                }
                switch result.outcome {
                case .created: print("plan \(result.plan.code): version \(result.plan.version) added")
                case .unchanged: print("plan \(result.plan.code): unchanged (same as version \(result.plan.version))")
                }
            }
        }
    }
}
