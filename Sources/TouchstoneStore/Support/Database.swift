public import Logging
public import PQ
public import TouchstoneCore

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
    /// - Parameter rerun: whether `body` may run again, on a new connection, when the database
    ///   server went away under it (a failover); never by default. See ``Rerun``.
    /// - Parameter settings: further configuration parameters for this transaction only, set in
    ///   the same round trip as the tenant's.
    public func tenantTransaction<T: Sendable>(
        _ tenant: Tenant,
        readOnly: Bool = false,
        rerun: Rerun = .never,
        settings: [(String, String)] = [],
        _ body: @escaping @Sendable (PQConnection) throws -> T
    ) async throws -> T {
        let settings = [("app.tenant_id", String(tenant.id))] + (ChangeActor.current.map { [("app.actor", $0)] } ?? []) + settings
        return try await rerunning(rerun) {
            try await pool.withTransaction(readOnly: readOnly, settings: settings, body)
        }
    }

    /// Runs `body` on a connection outside any tenant (the security-definer look-ups of a token,
    /// a session, a tenant code), run again when the server went away under it (``Rerun/always``:
    /// `body` must be a read). Database errors are translated here.
    public func lookup<T: Sendable>(_ body: @escaping @Sendable (PQConnection) throws -> T) async throws -> T {
        try await rerunning(.always) { try await pool.withConnection(body) }
    }

    /// Runs `work`, and again after a short pause (at most ``Rerun/pauses`` times) while it fails
    /// because the connection's server went away and `rerun` allows it; then translates the error.
    /// A failure to connect at all is not retried here: with no primary to reach, the caller gets
    /// ``StoreError/unavailable(_:)`` (503 with `Retry-After`) at once rather than a wait.
    func rerunning<T: Sendable>(_ rerun: Rerun, _ work: () async throws -> T) async throws -> T {
        var pauses = Rerun.pauses[...]
        while true {
            do {
                return try await work()
            } catch let error as PQError where rerun.allows(error) && !pauses.isEmpty {
                StoreErrorLog.recordRerun(error)
                try? await Task.sleep(for: pauses.removeFirst())
            } catch {
                throw StoreError.translate(error)
            }
        }
    }

    /// Checks that the pool's login is fit to serve tenants: a member of `touchstone_app`, not a
    /// superuser, not exempt from row-level security, owning no table of this database.
    /// A superuser or the schema owner would still pass most tests while bypassing, or being
    /// able to switch off, the tenancy rules; the daemon and the data commands refuse them.
    public func verifyRuntimeLogin() async throws {
        let (login, problem) = try await pool.withConnection { conn -> (String, String?) in
            let row = try conn.queryFirst(
                """
                SELECT current_user::text, r.rolsuper, r.rolbypassrls,
                       pg_has_role(current_user, 'touchstone_app', 'USAGE'),
                       EXISTS (SELECT 1 FROM pg_class c WHERE c.relowner = r.oid AND c.relkind IN ('r', 'p'))
                FROM pg_roles r WHERE r.rolname = current_user
                """)!
            let (login, superuser, bypassesRLS, runtimeMember, ownsTables) = try row.decode((String, Bool, Bool, Bool, Bool).self)
            if superuser { return (login, "is a superuser, which bypasses row-level security") }
            if bypassesRLS { return (login, "has BYPASSRLS") }
            if ownsTables { return (login, "owns tables of this database (it is the schema owner)") }
            if !runtimeMember { return (login, "is not a member of \(Self.runtimeRole)") }
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

/// Whether work may run again after its database server went away under it (a failover, a
/// restart, a standby that refused a write): the pool has replaced the connection, and the
/// work runs again on a new one, which reaches the new primary when there is one.
public enum Rerun: Sendable, Hashable {
    /// Never (the default): the body does something outside the database that must not happen
    /// twice, such as streaming rows to a client.
    case never
    /// When the connection failed before `COMMIT` was sent, so nothing was committed: for a body
    /// that touches only the database but is not idempotent (it would do its change twice).
    case uncommitted
    /// Also when the connection failed while `COMMIT` was in flight (it may have committed): for a
    /// body that touches only the database and is idempotent: a read, an upload keyed by its id.
    case always

    /// The pauses before each new run: two more runs at most, half a second in all.
    static let pauses: [Duration] = [.milliseconds(100), .milliseconds(400)]

    /// Whether `error` is one this policy runs the work again after.
    func allows(_ error: PQError) -> Bool {
        guard error.kind == .connection || (error.kind == .server && error.code?.isConnectionError == true) else {
            return false  // a statement's own failure, a pool timeout or a closed pool
        }
        switch (self, error.stage) {
        case (.never, _), (_, .connecting): return false
        case (.uncommitted, .commit): return false
        case (.uncommitted, nil), (.always, _): return true
        }
    }
}
