import ArgumentParser
import Foundation
import TouchstoneCore
import TouchstoneStore

/// `touchstone export audits|kpis|payouts --tenant T --period P`: CSV on stdout (formats.md "Exports").
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Export CSV on stdout.", subcommands: [Audits.self, ExportKPIsCommand.self, ExportPayoutsCommand.self])

    /// `touchstone export audits --tenant T --period P [--template C]`.
    struct Audits: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Audits of one template in a period, with section and dimension scores.")

        @OptionGroup var scope: TenantPeriodOptions
        @Option(help: "The template code (default: the only template used in the period).") var template: String?
        @OptionGroup var options: CommonOptions

        func run() async throws {
            try await reportingFailures {
                let period = try scope.parsedPeriod()
                try await options.withTenant(scope.tenant) { database, tenant in
                    try await AuditExport.write(tenant: tenant, period: period, template: template, database: database) { line in
                        FileHandle.standardOutput.write(Data(line.utf8))
                    }
                }
            }
        }
    }
}
