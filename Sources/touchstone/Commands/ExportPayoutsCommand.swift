import ArgumentParser
import Foundation
import TouchstoneCore
import TouchstoneStore

/// `touchstone export payouts --tenant T --period P [--excel] [--format csv|xlsx] [--output FILE]`.
struct ExportPayoutsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "payouts", abstract: "Payouts of a period (adjustment rows included), for payroll.")

    @OptionGroup var scope: TenantPeriodOptions
    @Flag(help: "CSV only: start with a UTF-8 byte order mark, so Excel reads the Chinese names.") var excel = false
    @OptionGroup var output: ExportOutputOptions
    @OptionGroup var options: CommonOptions

    func run() async throws {
        try await reportingFailures {
            let period = try scope.parsedPeriod()
            try await options.withTenant(scope.tenant) { database, tenant in
                try await output.write(export: "payouts", sheet: "Payouts", tenant: tenant, period: period, database: database, excel: excel) {
                    rows in
                    try await PayoutExport.rows(tenant: tenant, period: period, database: database, into: rows)
                }
            }
        }
    }
}
