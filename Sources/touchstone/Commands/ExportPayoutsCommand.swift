import ArgumentParser
import Foundation
import TouchstoneCore
import TouchstoneStore

/// `touchstone export payouts --tenant T --period P [--excel]`: CSV on stdout.
struct ExportPayoutsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "payouts", abstract: "Payouts of a period (adjustment rows included), for payroll.")

    @OptionGroup var scope: TenantPeriodOptions
    @Flag(help: "Start with a UTF-8 byte order mark, so Excel reads the Chinese names.") var excel = false
    @OptionGroup var options: CommonOptions

    func run() async throws {
        try await reportingFailures {
            let period = try scope.parsedPeriod()
            try await options.withTenant(scope.tenant) { database, tenant in
                try await PayoutExport.write(tenant: tenant, period: period, excel: excel, database: database) { line in
                    FileHandle.standardOutput.write(Data(line.utf8))
                }
            }
        }
    }
}
