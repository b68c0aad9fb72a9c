import ArgumentParser
import ChainGenerator
import Foundation
import Logging
import TouchstoneCore
import TouchstoneServer
import TouchstoneStore

/// `touchstone demo`: the embedded database, a generated demo chain, the monthly batch, then the daemon.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Generate a demo chain, run its monthly batch, then serve it.")

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
                let tenant = try await DemoChain.load(seed: seed, database: database, logger: logger)
                try await DemoChain.runBatch(tenant: tenant, database: database, logger: logger)
                let token = try await DemoChain.adminToken(tenant: tenant, database: database)
                let logins = try await DemoUsers.create(tenant: tenant, database: database)
                // Written straight to the file descriptor: the daemon runs on, so buffered stdout would never flush.
                FileHandle.standardOutput.write(Data("""
                    Touchstone demo: chain "\(tenant.code)" loaded, batch for \(ChainSpec.demo.period) run (KPIs and payouts).
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

/// Loads the generated demo chain through the same imports a head office uses.
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

    /// Generates the demo files (deterministic for a seed) into the demo tenant and imports them;
    /// re-running changes nothing.
    static func load(seed: UInt64, database: Database, logger: Logger) async throws -> Tenant {
        var spec = ChainSpec.demo
        spec.seed = seed
        spec.tenant = tenantCode
        let directory = EmbeddedCluster.home.appendingPathComponent("demo")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let summary = try ChainWriter.write(spec, to: directory)
        logger.info("generated demo chain", metadata: ["directory": "\(directory.path)", "summary": "\(summary)"])

        let tenant = try await TenantQueries.find(code: tenantCode, on: database)
        for kind in [ImportKind.outlets, .staff, .surveys, .complaints] {
            let report = try await importCSV(kind, file: directory.appendingPathComponent("\(kind.rawValue).csv"), tenant: tenant, database: database)
            logger.info("imported", metadata: ["kind": "\(kind.rawValue)", "rows": "\(report.rows)", "inserted": "\(report.inserted)"])
        }
        if let template = summary.files.template {
            _ = try await TemplateQueries.add(tenant: tenant, json: try Data(contentsOf: template), database: database)
        }
        if let audits = summary.files.audits {
            let report = try await AuditImport.run(tenant: tenant, file: audits, submittedBy: "demo-agency", database: database)
            logger.info("imported", metadata: ["kind": "audits", "rows": "\(report.rows)", "inserted": "\(report.inserted)"])
        }
        if let kpis = summary.files.kpis {
            _ = try await KPIDefinitionQueries.define(tenant: tenant, json: try Data(contentsOf: kpis), database: database)
        }
        for plan in summary.files.plans {
            _ = try await PlanQueries.add(tenant: tenant, json: try Data(contentsOf: plan), database: database)
        }
        return tenant
    }

    /// The monthly batch (KPIs, then payouts) for the demo's month, judged as of the 5th of the next month.
    static func runBatch(tenant: Tenant, database: Database, logger: Logger) async throws {
        let period = try Period.parse(ChainSpec.demo.period)
        let asOf = period.next.firstDay.adding(days: 4).start(in: tenant.timeZone)
        let job = try await BatchRunner.withPayouts.run(
            tenant: tenant, period: period, asOf: asOf, startedBy: "demo",
            progress: { logger.info("batch: \($0)") }, database: database)
        logger.info("batch done", metadata: [
            "period": "\(period)", "kpiRows": "\(job.kpiRows ?? 0)", "payoutRows": "\(job.payoutRows ?? 0)",
        ])
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
