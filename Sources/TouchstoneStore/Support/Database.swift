import Logging
import PQ

/// The Touchstone database: a connection pool plus the rules for using it.
///
/// Tenant data is only ever touched through ``tenantTransaction(_:readOnly:_:)``, which runs
/// as the runtime role `touchstone_app` with `app.tenant_id` set for that transaction alone,
/// so PostgreSQL's row-level security applies even where a query forgets its WHERE.
/// Schema work (migrations, creating tenants) uses ``ownerTransaction(_:)``.
public struct Database: Sendable {
    /// The pool every query goes through.
    public let pool: PQPool
    /// The logger for store-level events.
    public let logger: Logger

    /// - Parameters:
    ///   - pool: the connection pool; its connections log in as the schema owner or as a
    ///     role that is a member of `touchstone_app`.
    ///   - logger: where store events go.
    public init(pool: PQPool, logger: Logger) {
        self.pool = pool
        self.logger = logger
    }

    /// Runs `body` in one transaction as `touchstone_app`, scoped to `tenant`, with
    /// `app.actor` set to ``ChangeActor/current`` for the change log.
    /// Database errors are translated (``StoreError/translate(_:)``) here, once.
    public func tenantTransaction<T: Sendable>(
        _ tenant: Tenant,
        readOnly: Bool = false,
        _ body: @escaping @Sendable (PQConnection) throws -> T
    ) async throws -> T {
        do {
            return try await pool.withTransaction(
                readOnly: readOnly,
                settings: [("role", Self.runtimeRole), ("app.tenant_id", String(tenant.id))] + (ChangeActor.current.map { [("app.actor", $0)] } ?? []),
                body
            )
        } catch {
            throw StoreError.translate(error)
        }
    }

    /// Runs `body` in one transaction with the connection's own (owner) privileges.
    public func ownerTransaction<T: Sendable>(_ body: @escaping @Sendable (PQConnection) throws -> T) async throws -> T {
        do {
            return try await pool.withTransaction(body)
        } catch {
            throw StoreError.translate(error)
        }
    }

    /// The role the daemon works as: it owns nothing and is subject to row-level security.
    public static let runtimeRole = "touchstone_app"
}
