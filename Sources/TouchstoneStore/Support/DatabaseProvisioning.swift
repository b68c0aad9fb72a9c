import Foundation
import Logging
import PQ

/// Creating Touchstone's database inside a cluster (the embedded one, or a test's).
public enum DatabaseProvisioning {
    /// Why a database name is refused.
    public struct InvalidName: Error, CustomStringConvertible {
        public let name: String
        public var description: String { "database name \(name) must be 1–63 lowercase letters, digits or _" }
    }

    /// Creates database `name` if it does not exist, connecting with `maintenance`
    /// (libpq parameters of a role allowed to create databases, on an existing database).
    public static func createIfMissing(_ name: String, maintenance: PQConfiguration, logger: Logger) async throws {
        // CREATE DATABASE takes no parameters: the name is checked to be a plain identifier instead.
        guard name.range(of: "^[a-z_][a-z0-9_]{0,62}$", options: .regularExpression) != nil else {
            throw InvalidName(name: name)
        }
        let pool = PQPool(configuration: maintenance, maxConnections: 1, logger: logger)
        do {
            try await create(name, pool: pool)
        } catch {
            await pool.close()
            throw error
        }
        await pool.close()
    }

    private static func create(_ name: String, pool: PQPool) async throws {
        try await pool.withConnection { conn in
            if try conn.queryFirst("SELECT 1 FROM pg_database WHERE datname = \(name)") == nil {
                do {
                    try conn.execute(script: "CREATE DATABASE \(name)")
                } catch let error as PQError where error.code == .duplicateDatabase {
                    // Created meanwhile by a concurrent caller.
                }
            }
        }
    }
}

extension SQLState {
    static let duplicateDatabase: SQLState = "42P04"
}
