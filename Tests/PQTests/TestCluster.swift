import EmbeddedPostgres
import Foundation
import Logging
import PQ

/// One embedded cluster per test process, started lazily; each suite gets its own database.
actor TestCluster {
    static let shared = TestCluster()

    private var endpoint: EmbeddedPostgres.Endpoint?
    private var databases: [String: Task<Void, any Error>] = [:]

    /// Pool options for a test: a connection may take up to 120 s to open, as when the whole suite
    /// opens its databases at once on a loaded 2-core machine (the default is the daemon's 10 s).
    static func options(
        maxConnections: Int, acquireTimeout: Duration = .seconds(30), statementTimeout: Duration? = nil, maxWaiters: Int = 1024
    ) -> PQPool.Options {
        PQPool.Options(
            maxConnections: maxConnections, connectTimeout: .seconds(120), acquireTimeout: acquireTimeout, statementTimeout: statementTimeout,
            maxWaiters: maxWaiters)
    }

    static let logger: Logger = {
        var logger = Logger(label: "pq.tests")
        logger.logLevel = ProcessInfo.processInfo.environment["PQ_TEST_LOG"] == nil ? .warning : .trace
        return logger
    }()

    /// The test home: `$TOUCHSTONE_TEST_HOME`, or `.touchstone/<name>` at the package root.
    static func home(_ name: String = "test") -> URL {
        if let path = ProcessInfo.processInfo.environment["TOUCHSTONE_TEST_HOME"], !path.isEmpty {
            return URL(fileURLWithPath: path).appendingPathComponent(name)
        }
        let packageRoot = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return packageRoot.appendingPathComponent(".touchstone").appendingPathComponent(name)
    }

    func start() throws -> EmbeddedPostgres.Endpoint {
        if let endpoint { return endpoint }
        let started = try EmbeddedPostgres(home: Self.home(), maxConnections: 500, logger: Self.logger).start()
        endpoint = started
        return started
    }

    /// Creates (fresh, once per process) a database for a suite and returns its connection configuration.
    func database(_ name: String) async throws -> PQConfiguration {
        let endpoint = try start()
        let database = "pqtest_\(name)"
        let creation: Task<Void, any Error>
        if let existing = databases[database] {
            creation = existing
        } else {
            creation = Task { try await Self.recreate(database, endpoint: endpoint) }
            databases[database] = creation
        }
        try await creation.value
        return PQConfiguration(parameters: endpoint.parameters(database: database))
    }

    private static func recreate(_ database: String, endpoint: EmbeddedPostgres.Endpoint) async throws {
        let admin = PQPool(configuration: PQConfiguration(parameters: endpoint.parameters()), options: options(maxConnections: 1), logger: logger)
        do {
            try await admin.withConnection { conn in
                try conn.execute(script: "DROP DATABASE IF EXISTS \(database) WITH (FORCE)")
                try conn.execute(script: "CREATE DATABASE \(database)")
            }
        } catch {
            await admin.close()
            throw error
        }
        await admin.close()
    }
}

/// Runs `body` with a fresh pool on the suite's database and closes the pool afterwards.
func withPool<T>(
    _ database: String, options: PQPool.Options = TestCluster.options(maxConnections: 4),
    _ body: (PQPool) async throws -> T
) async throws -> T {
    let configuration = try await TestCluster.shared.database(database)
    let pool = PQPool(configuration: configuration, options: options, logger: TestCluster.logger)
    do {
        let result = try await body(pool)
        await pool.close()
        return result
    } catch {
        await pool.close()
        throw error
    }
}

/// A unique table name for one test.
func uniqueTable(_ prefix: String) -> String {
    "\(prefix)_\(UUID().uuidString.prefix(8).lowercased())"
}
