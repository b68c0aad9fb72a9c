import EmbeddedPostgres
import Foundation
import Logging
import PQ
import TouchstoneCore
import TouchstoneStore

/// A real PostgreSQL for tests: the embedded cluster (the same mechanism `touchstone` uses),
/// started once per test process under `<package>/.touchstone/test`, with a fresh migrated
/// database for each caller so suites never see each other's rows.
public enum TestDatabase {
    /// A migrated database of its own, with a tenant `code` (Asia/Shanghai, CNY) in it.
    public static func make(tenant code: String = "acme", file: StaticString = #filePath) async throws -> (Database, Tenant) {
        let database = try await makeEmpty()
        let tenant = try await TenantQueries.create(code: code, name: code, timezone: "Asia/Shanghai", currency: "CNY", on: database)
        return (database, tenant)
    }

    /// A migrated database of its own, without tenants.
    public static func makeEmpty() async throws -> Database {
        let cluster = try await Cluster.shared.endpoint()
        let name = "test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        let logger = Logger(label: "touchstone.test")
        try await DatabaseProvisioning.createIfMissing(
            String(name), maintenance: PQConfiguration(parameters: cluster.parameters(database: "postgres")), logger: logger)
        let pool = PQPool(configuration: PQConfiguration(parameters: cluster.parameters(database: String(name))), maxConnections: 4, logger: logger)
        try await Migrator(directory: sqlDirectory).apply(on: pool, logger: logger)
        return Database(pool: pool, logger: logger)
    }

    /// libpq parameters of a fresh empty database (for tests of the migrator itself).
    public static func freshDatabaseParameters() async throws -> [(String, String)] {
        let cluster = try await Cluster.shared.endpoint()
        let name = "test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        try await DatabaseProvisioning.createIfMissing(
            String(name), maintenance: PQConfiguration(parameters: cluster.parameters(database: "postgres")), logger: Logger(label: "touchstone.test"))
        return cluster.parameters(database: String(name))
    }

    /// The package root (two levels above this file's directory).
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The repository's sql/ directory.
    public static var sqlDirectory: URL { packageRoot.appendingPathComponent("sql") }

    /// The sample files of `docs/formats.md`, kept in the repository under `Tests/Fixtures/samples/`.
    public static var samplesDirectory: URL {
        packageRoot.appendingPathComponent("Tests/Fixtures/samples")
    }

    /// Starts the test cluster once per process.
    actor Cluster {
        static let shared = Cluster()
        private var started: EmbeddedPostgres.Endpoint?

        func endpoint() throws -> EmbeddedPostgres.Endpoint {
            if let started { return started }
            let home = ProcessInfo.processInfo.environment["TOUCHSTONE_TEST_HOME"].map { URL(fileURLWithPath: $0) }
                ?? packageRoot.appendingPathComponent(".touchstone/test")
            let endpoint = try EmbeddedPostgres(home: home, maxConnections: 500, logger: Logger(label: "touchstone.test.cluster")).start()
            started = endpoint
            return endpoint
        }
    }
}
