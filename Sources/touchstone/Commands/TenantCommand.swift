import ArgumentParser
import TouchstoneCore
import TouchstoneStore

/// `touchstone tenant create|sla|schedule`.
struct TenantCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tenant", abstract: "Manage chains (tenants).", subcommands: [Create.self, SLA.self, Schedule.self, Field.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a chain (as the schema owner).")

        @Argument(help: "The tenant code (letters, digits, _ . -).") var code: String
        @Option(help: "Display name.") var name: String
        @Option(help: "IANA time zone periods are cut in.") var timezone = "Asia/Shanghai"
        @Option(help: "ISO 4217 currency of payouts.") var currency = "CNY"
        @OptionGroup var options: CommonOptions

        func run() async throws {
            try await reportingFailures {
                let tenant = try await options.database.withSchemaOwner(logger: options.logger, migrate: false) { owner in
                    try await TenantQueries.create(code: code, name: name, timezone: timezone, currency: currency, owner: owner)
                }
                print("created tenant \(tenant.code) (\(tenant.timezone), \(tenant.currency))")
            }
        }
    }

    /// `touchstone tenant sla --tenant T --high H --medium M --low L`.
    struct SLA: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sla", abstract: "Set the complaint SLA hours per severity (defaults 24/48/72).")

        @Option(help: "The tenant code.") var tenant: String
        @Option(help: "Hours to resolve a high-severity complaint.") var high = 24
        @Option(help: "Hours to resolve a medium-severity complaint.") var medium = 48
        @Option(help: "Hours to resolve a low-severity complaint.") var low = 72
        @OptionGroup var options: CommonOptions

        func run() async throws {
            try await reportingFailures {
                let updated = try await options.withTenant(tenant) { database, tenant in
                    try await TenantQueries.setSLA(tenant: tenant, policy: SLAPolicy(high: high, medium: medium, low: low), database: database)
                }
                print("tenant \(updated.code): SLA high \(updated.sla.high) h, medium \(updated.sla.medium) h, low \(updated.sla.low) h")
            }
        }
    }
}
