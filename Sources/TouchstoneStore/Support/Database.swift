import Logging
import PQ

/// The Touchstone database as the daemon and every data command use it.
///
/// Its pool logs in as the runtime login: a member of `touchstone_app` that owns nothing and is
/// neither a superuser nor exempt from row-level security (``verifyRuntimeLogin()`` refuses any
/// other). Tenant data is only ever touched through ``tenantTransaction(_:readOnly:_:)``, which
/// sets `app.tenant_id` for that transaction alone, so PostgreSQL's row-level security applies
/// even where a query forgets its WHERE. Schema work (migrations, creating tenants) is the
/// schema owner's, through ``SchemaOwner``.
public struct Database: Sendable {
    /// The pool every query goes through.
    public let pool: PQPool
    /// The logger for store-level events.
    public let logger: Logger

    /// - Parameters:
    ///   - pool: the connection pool; its connections log in as a member of `touchstone_app`.
    ///   - logger: where store events go.
    public init(pool: PQPool, logger: Logger) {
        self.pool = pool
        self.logger = logger
    }

    /// Runs `body` in one transaction scoped to `tenant`, with `app.actor` set to
    /// ``ChangeActor/current`` for the change log.
    /// Database errors are translated (``StoreError/translate(_:)``) here, once.
    public func tenantTransaction<T: Sendable>(
        _ tenant: Tenant,
        readOnly: Bool = false,
        _ body: @escaping @Sendable (PQConnection) throws -> T
    ) async throws -> T {
        do {
            return try await pool.withTransaction(
                readOnly: readOnly,
                settings: [("app.tenant_id", String(tenant.id))] + (ChangeActor.current.map { [("app.actor", $0)] } ?? []),
                body
            )
        } catch {
            throw StoreError.translate(error)
        }
    }

    /// Checks that the pool's login is fit to serve tenants: a member of `touchstone_app`, not a
    /// superuser, not exempt from row-level security, owning no table of this database.
    /// A superuser or the schema owner would still pass most tests while bypassing, or being
    /// able to switch off, the tenancy rules; the daemon and the data commands refuse them.
    public func verifyRuntimeLogin() async throws {
        let (login, problem) = try await pool.withConnection { conn -> (String, String?) in
            let row = try conn.queryFirst("""
                SELECT current_user::text, r.rolsuper, r.rolbypassrls,
                       pg_has_role(current_user, 'touchstone_app', 'USAGE'),
                       EXISTS (SELECT 1 FROM pg_class c WHERE c.relowner = r.oid AND c.relkind IN ('r', 'p'))
                FROM pg_roles r WHERE r.rolname = current_user
                """)!
            let login = try row.decode(0, as: String.self)
            if try row.decode(1, as: Bool.self) { return (login, "is a superuser, which bypasses row-level security") }
            if try row.decode(2, as: Bool.self) { return (login, "has BYPASSRLS") }
            if try row.decode(4, as: Bool.self) { return (login, "owns tables of this database (it is the schema owner)") }
            if try !row.decode(3, as: Bool.self) { return (login, "is not a member of \(Self.runtimeRole)") }
            return (login, nil)
        }
        if let problem {
            throw StoreError.forbidden(
                "the database login \(login) \(problem); the daemon and data commands log in as the runtime login "
                    + "(a member of \(Self.runtimeRole), see sql/cluster/roles.sql); only `migrate` and `tenant create` use the schema owner")
        }
    }

    /// The NOLOGIN role that holds the runtime's rights; the runtime login is its member.
    public static let runtimeRole = "touchstone_app"
}
