import ArgumentParser
import TouchstoneCore
import TouchstoneStore

/// `touchstone period close|status|approve --tenant T --period P`.
struct PeriodCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "period", abstract: "Approve, close and check periods.", subcommands: [Close.self, Approve.self, Status.self])

    struct Close: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Close (lock) a period for good: its KPI results and payouts can no longer change.")

        @OptionGroup var scope: TenantPeriodOptions
        @OptionGroup var options: CommonOptions

        func run() async throws {
            try await reportingFailures {
                let period = try scope.parsedPeriod()
                let status = try await options.withTenant(scope.tenant) { database, tenant in
                    return try await PeriodQueries.close(tenant: tenant, period: period, actor: ChangeActor.current ?? "cli", database: database)
                }
                print("period \(status.period) closed; results hash \(status.resultsHash ?? "")")
            }
        }
    }

    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Approve the period's draft payouts.")

        @OptionGroup var scope: TenantPeriodOptions
        @OptionGroup var options: CommonOptions

        func run() async throws {
            try await reportingFailures {
                let period = try scope.parsedPeriod()
                let count = try await options.withTenant(scope.tenant) { database, tenant in
                    return try await PayoutQueries.approve(
                        tenant: tenant, period: period, by: .commandLine(ChangeActor.current ?? "cli"), database: database)
                }
                print("period \(period): \(count) payout rows approved")
            }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A period's state; for a closed one, whether its results still hash as when it was closed.")

        @OptionGroup var scope: TenantPeriodOptions
        @OptionGroup var options: CommonOptions

        func run() async throws {
            try await reportingFailures {
                let period = try scope.parsedPeriod()
                let (status, hash) = try await options.withTenant(scope.tenant) { database, tenant in
                    return (
                        try await PeriodQueries.status(tenant: tenant, period: period, database: database),
                        try await PeriodQueries.recomputeHash(tenant: tenant, period: period, database: database)
                    )
                }
                print("period \(status.period): \(status.state)")
                if let stored = status.resultsHash {
                    print("results hash \(stored): " + (stored == hash ? "verified" : "MISMATCH (now \(hash))"))
                    if stored != hash { throw ExitCode(1) }
                }
            }
        }
    }
}
