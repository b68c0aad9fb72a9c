public import Logging
public import PQ

/// The schema owner's connection: it applies migrations and creates tenants, nothing else.
///
/// The owner is an ordinary role (no superuser, no BYPASSRLS): row-level security is forced on
/// it too, so even the owner writes a tenant's row only with that tenant set.
public struct SchemaOwner: Sendable {
    /// Connections logged in as the schema owner.
    public let pool: PQPool
    /// Where migration events go.
    public let logger: Logger

    /// - Parameters:
    ///   - pool: connections that log in as the role owning the schema.
    ///   - logger: where migration events go.
    public init(pool: PQPool, logger: Logger) {
        self.pool = pool
        self.logger = logger
    }

    /// Opens one connection as the schema owner with `configuration` (waiting at most
    /// `connectTimeout` for it), runs `body`, closes it.
    public static func with<T: Sendable>(
        _ configuration: PQConfiguration, connectTimeout: Duration = PQPool.Options().connectTimeout, logger: Logger,
        _ body: (SchemaOwner) async throws -> T
    ) async throws -> T {
        let pool = PQPool(
            configuration: configuration, options: PQPool.Options(maxConnections: 1, connectTimeout: connectTimeout), logger: logger)
        do {
            let result = try await body(SchemaOwner(pool: pool, logger: logger))
            await pool.close()
            return result
        } catch {
            await pool.close()
            throw error
        }
    }

    /// Applies `migrator`'s pending migrations; returns the versions applied.
    @discardableResult
    public func migrate(_ migrator: Migrator) async throws -> [Int] {
        try await migrator.apply(on: pool, logger: logger)
    }

    /// Runs `body` in one transaction with the owner's rights and `settings` set for it alone;
    /// database errors are translated once, here.
    func transaction<T: Sendable>(
        settings: [(String, String)] = [], _ body: @escaping @Sendable (PQConnection) throws -> T
    ) async throws -> T {
        do {
            return try await pool.withTransaction(settings: settings, body)
        } catch {
            throw StoreError.translate(error)
        }
    }
}
