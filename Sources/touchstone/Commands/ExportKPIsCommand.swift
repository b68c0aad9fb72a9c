import ArgumentParser
import Foundation
import TouchstoneCore
import TouchstoneStore

/// `touchstone export kpis --tenant T --period P [--level L] [--format csv|xlsx] [--output FILE]`.
struct ExportKPIsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kpis", abstract: "KPI values, n and statuses of a period at every level.")

    @OptionGroup var scope: TenantPeriodOptions
    @Option(help: "Only this level: tenant, region, outlet or staff.") var level: String?
    @OptionGroup var output: ExportOutputOptions
    @OptionGroup var options: CommonOptions

    func run() async throws {
        try await reportingFailures {
            let period = try scope.parsedPeriod()
            let level = try self.level.map { text in
                guard let level = KPILevel(rawValue: text) else {
                    throw ValidationError("unknown level \(text): use tenant, region, outlet or staff")
                }
                return level
            }
            try await options.withTenant(scope.tenant) { database, tenant in
                try await output.write(export: "kpis", sheet: "KPIs", tenant: tenant, period: period, database: database) { rows in
                    try await KPIExport.rows(tenant: tenant, period: period, level: level, database: database, into: rows)
                }
            }
        }
    }
}
