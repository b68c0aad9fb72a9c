import ArgumentParser
import TouchstoneCore
import TouchstoneStore

/// `touchstone explain --tenant T --period P --employee E`: why a payout is what it is.
struct ExplainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain", abstract: "One person's payout explanation (every plan and adjustment of the period).")

    @OptionGroup var scope: TenantPeriodOptions
    @Option(help: "The employee number.") var employee: String
    @OptionGroup var options: CommonOptions

    func run() async throws {
        try await reportingFailures {
            let period = try scope.parsedPeriod()
            let explanations = try await options.withTenant(scope.tenant) { database, tenant in
                return try await PayoutQueries.explanations(tenant: tenant, period: period, employeeNo: employee, database: database)
            }
            print(explanations.map(\.text).joined(separator: "\n\n"))
        }
    }
}
