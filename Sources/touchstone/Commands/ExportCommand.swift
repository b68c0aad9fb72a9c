import ArgumentParser
import Foundation
import TouchstoneCore
import TouchstoneStore

/// `touchstone export audits|kpis|payouts --tenant T --period P [--format csv|xlsx] [--output FILE]`:
/// CSV on stdout, or a workbook (formats.md "Exports").
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Export CSV (stdout or --output) or an .xlsx workbook (--format xlsx --output FILE).",
        subcommands: [Audits.self, ExportKPIsCommand.self, ExportPayoutsCommand.self])

    /// `touchstone export audits --tenant T --period P [--template C] [--flags]`.
    struct Audits: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Audits of one template in a period, with section and dimension scores.")

        @OptionGroup var scope: TenantPeriodOptions
        @Option(help: "The template code (default: the only template used in the period).") var template: String?
        @Flag(help: "Append a last column `flags`: each audit's trust flags, `;`-separated (formats.md, Exports).") var flags = false
        @OptionGroup var output: ExportOutputOptions
        @OptionGroup var options: CommonOptions

        func run() async throws {
            try await reportingFailures {
                let period = try scope.parsedPeriod()
                try await options.withTenant(scope.tenant) { database, tenant in
                    try await output.write(export: "audits", sheet: "Audits", tenant: tenant, period: period, database: database) { rows in
                        try await AuditExport.rows(
                            tenant: tenant, period: period, template: template, flags: flags, database: database, into: rows)
                    }
                }
            }
        }
    }
}
