import ArgumentParser
import Foundation
import TouchstoneCore
import TouchstoneStore

/// `touchstone warnings --tenant T --period P`: early warnings (风险预警) as CSV on stdout.
struct WarningsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "warnings",
        abstract: "Subjects whose KPI status turned red or fell a band since the previous period.")

    @OptionGroup var scope: TenantPeriodOptions
    @OptionGroup var options: CommonOptions

    func run() async throws {
        try await reportingFailures {
            let period = try scope.parsedPeriod()
            let warnings = try await options.withTenant(scope.tenant) { database, tenant in
                return try await WarningQueries.list(tenant: tenant, period: period, database: database)
            }
            print(
                CSVWriter.line(["level", "subject", "kpi", "previous_period", "previous_value", "previous_status", "value", "status"]), terminator: ""
            )
            for w in warnings {
                print(
                    CSVWriter.line([
                        w.level.rawValue, w.subject, w.kpi, w.previousPeriod, w.previous.value.fixed(2), w.previous.status.rawValue,
                        w.current.value.fixed(2), w.current.status.rawValue,
                    ]), terminator: "")
            }
        }
    }
}
