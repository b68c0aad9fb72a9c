import ArgumentParser
import Foundation
import TouchstoneCore
import TouchstoneStore

/// `touchstone export payouts --tenant T --period P [--excel]`: CSV on stdout.
struct ExportPayoutsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "payouts", abstract: "Payouts of a period (adjustment rows included), for payroll.")

    @Option(help: "The tenant code.") var tenant: String
    @Option(help: "The period: YYYY-MM or YYYY-Qn.") var period: String
    @Flag(help: "Start with a UTF-8 byte order mark, so Excel reads the Chinese names.") var excel = false
    @OptionGroup var options: CommonOptions

    func run() async throws {
        try await reportingFailures {
            let period = try Period.parse(self.period)
            try await options.withTenant(tenant) { database, tenant in
                try await PayoutExport.write(tenant: tenant, period: period, excel: excel, database: database) { line in
                    FileHandle.standardOutput.write(Data(line.utf8))
                }
            }
        }
    }
}
