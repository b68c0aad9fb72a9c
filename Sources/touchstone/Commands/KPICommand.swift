import ArgumentParser
import Foundation
import TouchstoneCore
import TouchstoneStore

/// `touchstone kpi define --tenant T FILE.json`.
struct KPICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kpi", abstract: "KPI definitions.", subcommands: [Define.self])

    struct Define: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Define (upsert by code) the KPIs of a JSON array.")

        @Argument(help: "The JSON file (an array of KPI definitions).") var file: String
        @Option(help: "The tenant code.") var tenant: String
        @OptionGroup var options: CommonOptions

        func run() async throws {
            try await reportingFailures {
                let json = try readFile(file)
                let definitions = try await options.withTenant(tenant) { database, tenant in
                    return try await KPIDefinitionQueries.define(tenant: tenant, json: json, database: database)
                }
                print("defined \(definitions.count) KPIs: \(definitions.map(\.code).joined(separator: ", "))")
            }
        }
    }
}
