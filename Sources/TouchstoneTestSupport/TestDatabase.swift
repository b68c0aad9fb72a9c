import EmbeddedPostgres
public import Foundation
import Logging
public import PQ
public import TouchstoneCore
public import TouchstoneStore

/// A real PostgreSQL for tests: the embedded cluster (the same mechanism `touchstone` uses),
/// started once per test process under `<package>/.touchstone/test`, with a fresh migrated
/// database for each caller so suites never see each other's rows.
///
/// Set up as production is: the roles of `sql/cluster/roles.sql`, a database owned by the schema
/// owner, migrations and tenants made as that owner, and every ``Database`` logged in as the
/// runtime login. No test works as a superuser.
public enum TestDatabase {
    /// A migrated database of its own, with a tenant `code` (Asia/Shanghai, CNY) in it.
    public static func make(tenant code: String = "acme", file: StaticString = #filePath) async throws -> (Database, Tenant) {
        let database = try await makeEmpty()
        let tenant = try await createTenant(code: code, in: database)
        return (database, tenant)
    }

    /// A migrated database of its own, without tenants, as the runtime login.
    public static func makeEmpty() async throws -> Database {
        let parameters = try await freshDatabaseParameters()
        let logger = Logger(label: "touchstone.test")
        _ = try await withOwner(of: parameters) { try await $0.migrate(Migrator(directory: sqlDirectory)) }
        // Tests assert values, not timing: on a loaded machine a caller waits for a connection
        // rather than failing after the daemon's 30 s (the upload stress tests queue 1,000 callers),
        // and a connection may take longer to open than the daemon's 10 s while the whole suite
        // opens its databases at once.
        let pool = PQPool(
            configuration: parameters.loggingIn(as: DatabaseProvisioning.runtimeLogin),
            options: PQPool.Options(maxConnections: 4, connectTimeout: connectTimeout, acquireTimeout: .seconds(300)), logger: logger)
        return Database(pool: pool, logger: logger)
    }

    /// How long a test's connection may take to open: the whole suite opens its databases at
    /// once, and on a loaded 2-core machine one took longer than the daemon's 10 s.
    public static let connectTimeout: Duration = .seconds(120)

    /// A pool on `configuration` that waits ``connectTimeout`` for a connection to open.
    public static func pool(_ configuration: PQConfiguration, maxConnections: Int) -> PQPool {
        PQPool(
            configuration: configuration, options: PQPool.Options(maxConnections: maxConnections, connectTimeout: connectTimeout),
            logger: Logger(label: "touchstone.test"))
    }

    /// A new tenant in `database`, created as the schema owner (as `touchstone tenant create` does).
    public static func createTenant(
        code: String, timezone: String = "Asia/Shanghai", currency: String = "CNY", in database: Database
    ) async throws -> Tenant {
        try await withOwner(of: database.pool.configuration) { owner in
            try await TenantQueries.create(code: code, name: code, timezone: timezone, currency: currency, owner: owner)
        }
    }

    /// Runs `body` with the schema owner of the database `configuration` points at.
    public static func withOwner<T: Sendable>(
        of configuration: PQConfiguration, _ body: (SchemaOwner) async throws -> T
    ) async throws -> T {
        try await SchemaOwner.with(
            configuration.loggingIn(as: DatabaseProvisioning.ownerLogin), connectTimeout: connectTimeout, logger: Logger(label: "touchstone.test"),
            body)
    }

    /// Runs `body` in one transaction as the cluster's superuser on the database `configuration`
    /// points at: for tests that inspect every tenant's rows or set up what no Touchstone role may.
    public static func asSuperuser<T: Sendable>(
        of configuration: PQConfiguration, _ body: @escaping @Sendable (PQConnection) throws -> T
    ) async throws -> T {
        let maintenance = try await Cluster.shared.maintenance()
        let database = configuration["dbname"] ?? "postgres"
        let pool = PQPool(
            configuration: PQConfiguration(parameters: maintenance.parameters.filter { $0.0 != "dbname" } + [("dbname", database)]),
            options: PQPool.Options(maxConnections: 1, connectTimeout: connectTimeout), logger: Logger(label: "touchstone.test"))
        do {
            let result = try await pool.withTransaction(body)
            await pool.close()
            return result
        } catch {
            await pool.close()
            throw error
        }
    }

    /// A fresh empty database owned by the schema owner, not migrated; its libpq parameters carry
    /// no login (``PQConfiguration/loggingIn(as:)`` picks one).
    public static func freshDatabaseParameters() async throws -> PQConfiguration {
        let maintenance = try await Cluster.shared.maintenance()
        let name = String("test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16))
        try await DatabaseProvisioning.createDatabase(
            name, maintenance: maintenance, connectTimeout: connectTimeout, logger: Logger(label: "touchstone.test"))
        return PQConfiguration(parameters: maintenance.parameters.filter { $0.0 != "user" && $0.0 != "dbname" } + [("dbname", name)])
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

    /// Starts the test cluster and creates Touchstone's roles in it, once per process.
    actor Cluster {
        static let shared = Cluster()
        private var starting: Task<PQConfiguration, any Error>?

        /// The superuser's libpq parameters on the `postgres` database (cluster set-up only).
        func maintenance() async throws -> PQConfiguration {
            if starting == nil { starting = Task { try await Self.start() } }
            return try await starting!.value
        }

        private static func start() async throws -> PQConfiguration {
            let home =
                ProcessInfo.processInfo.environment["TOUCHSTONE_TEST_HOME"].map { URL(fileURLWithPath: $0) }
                ?? packageRoot.appendingPathComponent(".touchstone/test")
            let endpoint = try EmbeddedPostgres(home: home, maxConnections: 500, logger: Logger(label: "touchstone.test.cluster")).start()
            let maintenance = PQConfiguration(parameters: endpoint.parameters(database: "postgres"))
            try await DatabaseProvisioning.bootstrapRoles(
                sqlDirectory: sqlDirectory, maintenance: maintenance, logger: Logger(label: "touchstone.test.cluster"))
            return maintenance
        }
    }
}
