import ArgumentParser
import Foundation
import TouchstoneCore
import TouchstoneStore

/// `touchstone export kpis --tenant T --period P [--level L]`: CSV on stdout.
struct ExportKPIsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kpis", abstract: "KPI values, n and statuses of a period at every level.")

    @OptionGroup var scope: TenantPeriodOptions
    @Option(help: "Only this level: tenant, region, outlet or staff.") var level: String?
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
                try await KPIExport.write(tenant: tenant, period: period, level: level, database: database) { line in
                    FileHandle.standardOutput.write(Data(line.utf8))
                }
            }
        }
    }
}
