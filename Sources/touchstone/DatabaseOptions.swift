import ArgumentParser
import EmbeddedPostgres
import Foundation
import Logging
import PQ
import TouchstoneStore

/// Where the database is: `--database`, else the libpq environment, else the embedded cluster.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: "libpq conninfo or postgresql:// URI (default: PG* environment, else the embedded cluster).")
    var database: String?

    @Option(name: .long, help: "Maximum database connections.")
    var poolSize: Int = 8

    func validate() throws {
        guard (1...200).contains(poolSize) else { throw ValidationError("--pool-size must be between 1 and 200") }
    }

    /// The configuration to connect with, and whether it is the embedded default.
    func resolve(logger: Logger) async throws -> (configuration: PQConfiguration, embedded: Bool) {
        if let database {
            return (try PQConfiguration(conninfo: database), false)
        }
        if let fromEnvironment = PQConfiguration.environment(ProcessInfo.processInfo.environment) {
            return (fromEnvironment, false)
        }
        return (PQConfiguration(parameters: try await EmbeddedCluster.start(logger: logger)), true)
    }

    /// Opens the database, brings its schema up to date where allowed, runs `body`, closes the pool.
    ///
    /// - Parameters:
    ///   - migrate: apply pending migrations (always done for the embedded cluster);
    ///     otherwise a database whose migrations are not current is refused with advice.
    ///   - statementTimeout: the longest any one statement may run (none for batch work).
    func withDatabase<T: Sendable>(
        logger: Logger, migrate: Bool = false, statementTimeout: Duration? = nil, _ body: (Database) async throws -> T
    ) async throws -> T {
        let (configuration, embedded) = try await resolve(logger: logger)
        let pool = PQPool(
            configuration: configuration,
            options: PQPool.Options(maxConnections: poolSize, statementTimeout: statementTimeout), logger: logger)
        let database = Database(pool: pool, logger: logger)
        do {
            let migrator = try Migrator(directory: try Migrator.locateDirectory())
            if migrate || embedded {
                try await migrator.apply(on: pool, logger: logger)
            } else if try await !migrator.isCurrent(on: pool) {
                throw ValidationError("the database schema is not current: run `touchstone migrate` first")
            }
            // Every change this command makes is logged as the operating-system user's.
            let result = try await ChangeActor.$current.withValue(ChangeActor.commandLine(user: NSUserName())) {
                try await body(database)
            }
            await pool.close()
            return result
        } catch {
            await pool.close()
            throw error
        }
    }
}

/// The embedded cluster with Touchstone's own database in it.
enum EmbeddedCluster {
    static let databaseName = "touchstone"

    /// The cluster's home: `$TOUCHSTONE_HOME`, else `./.touchstone`.
    static var home: URL { EmbeddedPostgres.defaultHome() }

    /// Starts (or reuses) the cluster, creates the database if missing, returns libpq parameters for it.
    static func start(logger: Logger) async throws -> [(String, String)] {
        let endpoint = try EmbeddedPostgres(home: home, logger: logger).start()
        try await DatabaseProvisioning.createIfMissing(
            databaseName, maintenance: PQConfiguration(parameters: endpoint.parameters(database: "postgres")), logger: logger)
        return endpoint.parameters(database: databaseName)
    }
}
