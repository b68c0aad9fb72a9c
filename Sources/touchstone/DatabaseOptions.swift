import ArgumentParser
import EmbeddedPostgres
import Foundation
import Logging
import PQ
import TouchstoneStore

/// Where the database is and who logs in to it.
///
/// Two logins, as in production: the runtime login (`--database`, else `DATABASE_URL`/`PG*`, else
/// the embedded cluster's `touchstone_runtime`) for the daemon and every data command, and the
/// schema owner (`--owner-database`, else `TOUCHSTONE_OWNER_DATABASE`, else `--database` for the
/// owner's own commands, else the embedded cluster's `touchstone_owner`) for `migrate` and
/// `tenant create`.
struct DatabaseOptions: ParsableArguments {
    @Option(
        name: .long,
        help: "libpq conninfo or postgresql:// URI of the runtime login (default: DATABASE_URL or PG* environment, else the embedded cluster).")
    var database: String?

    @Option(
        name: .long,
        help:
            "libpq conninfo of the schema owner, to apply migrations (default: TOUCHSTONE_OWNER_DATABASE; `migrate` and `tenant create` also take --database)."
    )
    var ownerDatabase: String?

    @Option(name: .long, help: "Maximum database connections.")
    var poolSize: Int = 8

    func validate() throws {
        guard (1...200).contains(poolSize) else { throw ValidationError("--pool-size must be between 1 and 200") }
    }

    /// The runtime's login, the owner's when known, whether they are the embedded default's, and
    /// the migrations of sql/.
    private typealias Logins = (runtime: PQConfiguration, owner: PQConfiguration?, embedded: Bool, migrator: Migrator)

    /// The logins to use and the migrations. sql/ is found before anything starts, so a run that
    /// cannot find the migrations leaves no embedded server behind.
    private func resolve(logger: Logger) async throws -> Logins {
        let sqlDirectory = try Migrator.locateDirectory()
        let migrator = try Migrator(directory: sqlDirectory)
        let environment = ProcessInfo.processInfo.environment
        let owner = try (ownerDatabase ?? environment["TOUCHSTONE_OWNER_DATABASE"]).map(PQConfiguration.init(conninfo:))
        if let database {
            return (try PQConfiguration(conninfo: database), owner, false, migrator)
        }
        if let fromEnvironment = PQConfiguration.environment(environment) {
            return (fromEnvironment, owner, false, migrator)
        }
        let cluster = try await EmbeddedCluster.start(sqlDirectory: sqlDirectory, logger: logger)
        return (
            cluster.loggingIn(as: DatabaseProvisioning.runtimeLogin), cluster.loggingIn(as: DatabaseProvisioning.ownerLogin), true, migrator
        )
    }

    /// Opens the database as the runtime login, brings its schema up to date where an owner is
    /// known, checks the login is fit (``Database/verifyRuntimeLogin()``), runs `body`, closes the pool.
    ///
    /// - Parameters:
    ///   - migrate: apply pending migrations as the owner when one is known (the embedded default,
    ///     or `--owner-database`); otherwise a database whose migrations are not current is refused.
    ///   - statementTimeout: the longest any one statement may run (none for batch work).
    func withDatabase<T: Sendable>(
        logger: Logger, migrate: Bool = false, statementTimeout: Duration? = nil, _ body: (Database) async throws -> T
    ) async throws -> T {
        let (runtime, owner, embedded, migrator) = try await resolve(logger: logger)
        if let owner, migrate || embedded {
            _ = try await SchemaOwner.with(owner, logger: logger) { try await $0.migrate(migrator) }
        }
        let pool = PQPool(
            configuration: runtime,
            options: PQPool.Options(maxConnections: poolSize, statementTimeout: statementTimeout), logger: logger)
        let database = Database(pool: pool, logger: logger)
        do {
            guard try await migrator.isCurrent(on: pool) else {
                throw ValidationError("the database schema is not current: run `touchstone migrate` as the schema owner first")
            }
            try await database.verifyRuntimeLogin()
            // Every change this command makes is logged as the operating-system user's; the operator
            // at the terminal sees what the database said when it refused something.
            let result = try await ChangeActor.$current.withValue(ChangeActor.commandLine(user: NSUserName())) {
                try await StoreErrorLog.$logger.withValue(Self.detailLogger(logger)) { try await body(database) }
            }
            await pool.close()
            return result
        } catch {
            await pool.close()
            throw error
        }
    }

    /// Opens the database as the schema owner (`--owner-database`, else `--database`, else the
    /// embedded cluster's owner), applies pending migrations when `migrate` (always for the embedded
    /// default; otherwise refuses a schema that is not current), runs `body`, closes the pool.
    func withSchemaOwner<T: Sendable>(logger: Logger, migrate: Bool, _ body: (SchemaOwner) async throws -> T) async throws -> T {
        let (runtime, owner, embedded, migrator) = try await resolve(logger: logger)
        return try await SchemaOwner.with(embedded ? owner! : owner ?? runtime, logger: logger) { owner in
            if migrate || embedded {
                try await owner.migrate(migrator)
            } else if try await !migrator.isCurrent(on: owner.pool) {
                throw ValidationError("the database schema is not current: run `touchstone migrate` first")
            }
            return try await StoreErrorLog.$logger.withValue(Self.detailLogger(logger)) { try await body(owner) }
        }
    }

    /// `logger`, showing at least the store's `info` lines: a refused statement's database detail.
    private static func detailLogger(_ logger: Logger) -> Logger {
        var detailed = logger
        detailed.logLevel = min(logger.logLevel, .info)
        return detailed
    }
}

/// The embedded cluster with Touchstone's own database in it, set up as a production server is
/// (sql/cluster/roles.sql, a database owned by the schema owner); nothing after that logs in as
/// the cluster's superuser.
enum EmbeddedCluster {
    static let databaseName = "touchstone"

    /// The cluster's home: `$TOUCHSTONE_HOME`, else `./.touchstone`.
    static var home: URL { EmbeddedPostgres.defaultHome() }

    /// Starts (or reuses) the cluster, creates the roles and the database if missing, and returns
    /// the database's libpq parameters (without a login: see ``PQConfiguration/loggingIn(as:)``).
    static func start(sqlDirectory: URL, logger: Logger) async throws -> PQConfiguration {
        let endpoint = try EmbeddedPostgres(home: home, logger: logger).start()
        let maintenance = PQConfiguration(parameters: endpoint.parameters(database: "postgres"))
        try await DatabaseProvisioning.bootstrapRoles(sqlDirectory: sqlDirectory, maintenance: maintenance, logger: logger)
        try await DatabaseProvisioning.createDatabase(databaseName, maintenance: maintenance, logger: logger)
        return PQConfiguration(parameters: endpoint.parameters(database: databaseName).filter { $0.0 != "user" })
    }
}
