import ArgumentParser
import ChainGenerator
import Foundation
import Logging
import TouchstoneCore
import TouchstoneServer
import TouchstoneStore

/// `touchstone demo`: the embedded database, a generated dealer network with a year of history,
/// the monthly batch of every month (oldest first), then the daemon.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Generate a demo chain with 12 months of history, run the batch of each month, then serve it.")

    @Option(help: "Address to bind.") var host = "127.0.0.1"
    @Option(help: "Port to bind.") var port = 8080
    @Option(help: "Seed of the generated chain.") var seed: UInt64 = 7
    @OptionGroup var options: CommonOptions

    func run() async throws {
        try await reportingFailures {
            let logger = options.logger(defaultLevel: .info)
            try await options.database.withSchemaOwner(logger: logger, migrate: true) { owner in
                try await DemoChain.createTenant(owner: owner)
            }
            try await options.database.withDatabase(logger: logger) { database in
                let (tenant, summary) = try await DemoChain.load(seed: seed, database: database, logger: logger)
                try await DemoChainLoad.runBatches(summary, tenant: tenant, database: database, logger: logger)
                let token = try await DemoChain.adminToken(tenant: tenant, database: database)
                let logins = try await DemoUsers.create(tenant: tenant, database: database)
                try await DemoVisits.plan(tenant: tenant, database: database, logger: logger)
                // Written straight to the file descriptor: the daemon runs on, so buffered stdout would never flush.
                FileHandle.standardOutput.write(
                    Data(
                        """
                        Touchstone demo: chain "\(tenant.code)" loaded, batches for \(summary.periods.first ?? "")…\(summary.periods.last ?? "") run (KPIs and payouts).
                          API:      http://\(host):\(port)/api/v1/outlets
                          Token:    \(token)
                          Try:      curl -H 'Authorization: Bearer \(token)' http://\(host):\(port)/api/v1/outlets
                          Pages:    http://\(host):\(port)/login (tenant \(tenant.code))
                        \(logins.map { "            \($0.login) / \($0.password)  (\($0.role.rawValue): \($0.scope))" }.joined(separator: "\n"))

                        """.utf8))
                try await serve(database: database, configuration: ServerConfiguration(host: host, port: port), logger: logger)
            }
        }
    }
}

/// The demo tenant: its generated chain, its batches and its admin token.
enum DemoChain {
    static let tenantCode = "demo"

    /// Creates the demo tenant as the schema owner, unless it exists.
    static func createTenant(owner: SchemaOwner) async throws {
        do {
            _ = try await TenantQueries.create(
                code: tenantCode, name: "演示集团 Demo Motors", timezone: "Asia/Shanghai", currency: "CNY", owner: owner)
        } catch StoreError.conflict {
            // Made by an earlier run.
        }
    }

    /// Generates the demo files (deterministic for a seed) into the demo tenant and imports them,
    /// then files the demo's disputes; re-running changes nothing.
    static func load(seed: UInt64, database: Database, logger: Logger) async throws -> (Tenant, DemoChainSummary) {
        var spec = DemoChainSpec.standard
        spec.seed = seed
        spec.tenant = tenantCode
        let directory = EmbeddedCluster.home.appendingPathComponent("demo")
        let summary = try DemoChainWriter.write(spec, to: directory)
        logger.info("generated demo chain", metadata: ["directory": "\(directory.path)", "summary": "\(summary)"])
        let tenant = try await TenantQueries.find(code: tenantCode, on: database)
        try await DemoChainLoad.run(summary, tenant: tenant, database: database, logger: logger)
        return (tenant, summary)
    }

    /// A fresh token for the demo's head-office admin (created on first use).
    static func adminToken(tenant: Tenant, database: Database) async throws -> String {
        do {
            try await IdentityQueries.addUser(tenant: tenant, login: "admin", displayName: "Head office admin", role: .admin, database: database)
        } catch StoreError.conflict {
            // Already there from an earlier run.
        }
        return try await IdentityQueries.createToken(tenant: tenant, login: "admin", label: "demo", days: 30, database: database).token
    }
}
