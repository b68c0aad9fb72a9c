import ArgumentParser
import TouchstoneStore

/// `touchstone tenant create CODE --name N [--timezone TZ] [--currency C]`.
struct TenantCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tenant", abstract: "Manage chains (tenants).", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a chain.")

        @Argument(help: "The tenant code (letters, digits, _ . -).") var code: String
        @Option(help: "Display name.") var name: String
        @Option(help: "IANA time zone periods are cut in.") var timezone = "Asia/Shanghai"
        @Option(help: "ISO 4217 currency of payouts.") var currency = "CNY"
        @OptionGroup var options: CommonOptions

        func run() async throws {
            try await reportingFailures {
                let tenant = try await options.database.withDatabase(logger: options.logger) { database in
                    try await TenantQueries.create(code: code, name: name, timezone: timezone, currency: currency, on: database)
                }
                print("created tenant \(tenant.code) (\(tenant.timezone), \(tenant.currency))")
            }
        }
    }
}
