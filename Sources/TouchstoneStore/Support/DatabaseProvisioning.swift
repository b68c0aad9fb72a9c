public import Foundation
public import Logging
public import PQ

/// Setting up a cluster for Touchstone as its administrator would: the roles of
/// `sql/cluster/roles.sql`, then a database owned by the schema owner. The embedded cluster and
/// the tests do this as the cluster's superuser; nothing after it runs as a superuser.
public enum DatabaseProvisioning {
    /// The login that owns the schema (sql/cluster/roles.sql).
    public static let ownerLogin = "touchstone_owner"
    /// The login the daemon and the data commands use (sql/cluster/roles.sql).
    public static let runtimeLogin = "touchstone_runtime"

    /// Why a database name is refused.
    public struct InvalidName: Error, CustomStringConvertible {
        public let name: String
        public var description: String { "database name \(name) must be 1–63 lowercase letters, digits or _" }
    }

    /// A database that exists but belongs to another role (made by an earlier version).
    public struct ForeignOwner: Error, CustomStringConvertible {
        public let name: String
        public let owner: String
        public var description: String {
            "database \(name) is owned by \(owner), not \(DatabaseProvisioning.ownerLogin): it was made by an earlier version "
                + "of Touchstone; stop the embedded cluster (`touchstone dev stop`) and remove its home (.touchstone/) to start afresh"
        }
    }

    /// Creates Touchstone's roles (sql/cluster/roles.sql; idempotent), connecting with
    /// `maintenance` (libpq parameters of a superuser or a role with CREATEROLE).
    public static func bootstrapRoles(sqlDirectory: URL, maintenance: PQConfiguration, logger: Logger) async throws {
        let roles = try String(contentsOf: sqlDirectory.appendingPathComponent("cluster/roles.sql"), encoding: .utf8)
        try await withMaintenance(maintenance, logger: logger) { conn in try conn.execute(script: roles) }
    }

    /// Creates database `name` owned by the schema owner unless it exists, connecting with
    /// `maintenance` (libpq parameters of a role allowed to create databases, on an existing one),
    /// waiting at most `connectTimeout` for the connection.
    /// - Throws: ``ForeignOwner`` when it exists but belongs to another role.
    public static func createDatabase(
        _ name: String, maintenance: PQConfiguration, connectTimeout: Duration = PQPool.Options().connectTimeout, logger: Logger
    ) async throws {
        // CREATE DATABASE takes no parameters: the name is checked to be a plain identifier instead.
        guard name.range(of: "^[a-z_][a-z0-9_]{0,62}$", options: .regularExpression) != nil else {
            throw InvalidName(name: name)
        }
        try await withMaintenance(maintenance, connectTimeout: connectTimeout, logger: logger) { conn in try create(name, conn: conn) }
    }

    private static func withMaintenance(
        _ maintenance: PQConfiguration, connectTimeout: Duration = PQPool.Options().connectTimeout, logger: Logger,
        _ body: @escaping @Sendable (PQConnection) throws -> Void
    ) async throws {
        let pool = PQPool(
            configuration: maintenance, options: PQPool.Options(maxConnections: 1, connectTimeout: connectTimeout), logger: logger)
        do {
            try await pool.withConnection(body)
        } catch {
            await pool.close()
            throw error
        }
        await pool.close()
    }

    private static func create(_ name: String, conn: PQConnection) throws {
        if let row = try conn.queryFirst("SELECT pg_get_userbyid(datdba)::text FROM pg_database WHERE datname = \(name)") {
            let owner = try row.decode(String.self)
            guard owner == ownerLogin else { throw ForeignOwner(name: name, owner: owner) }
            return
        }
        do {
            try conn.execute(script: "CREATE DATABASE \(name) OWNER \(ownerLogin)")
        } catch let error as PQError where error.code == .duplicateDatabase {
            // Created meanwhile by a concurrent caller.
        }
    }
}

extension PQConfiguration {
    /// The same server and database, logged in as `user`.
    public func loggingIn(as user: String) -> PQConfiguration {
        PQConfiguration(parameters: parameters.filter { $0.0 != "user" } + [("user", user)])
    }
}

extension SQLState {
    static let duplicateDatabase: SQLState = "42P04"
}
