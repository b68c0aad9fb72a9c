public import Foundation
public import PQ
public import TouchstoneCore

/// A user as the people pages show it (never the password hash; only whether there is one).
public struct UserRecord: Sendable, Hashable {
    public let login: String
    public let displayName: String
    public let role: Role
    public let regionPath: String?
    public let outletCode: String?
    public let employeeNo: String?
    public let disabled: Bool
    public let hasPassword: Bool
    public let mustChangePassword: Bool
    public let createdAt: Date
}

extension UserRecord: PQRowDecodable {
    /// A row of `PeopleQueries.selectUsers`.
    public init(row: PQRow) throws {
        let role: String
        (login, displayName, role, regionPath, outletCode, employeeNo, disabled, hasPassword, mustChangePassword, createdAt) =
            try row.decode((String, String, String, String?, String?, String?, Bool, Bool, Bool, Date).self)
        self.role = Role(rawValue: role) ?? .staff
    }
}

/// An API token as the people pages list it (never the secret nor its hash).
public struct TokenRecord: Sendable, Hashable {
    public let id: Int64
    public let label: String?
    public let createdAt: Date
    public let expiresAt: Date
    public let revokedAt: Date?
    /// When the daemon last looked the token up (to within its token cache's 30 seconds); nil: never.
    public let lastUsedAt: Date?
}

extension TokenRecord: PQRowDecodable {
    /// A row of `k.id, k.label, k.created_at, k.expires_at, k.revoked_at, k.last_used_at`.
    public init(row: PQRow) throws {
        (id, label, createdAt, expiresAt, revokedAt, lastUsedAt) = try row.decode((Int64, String?, Date, Date, Date?, Date?).self)
    }
}

/// What an admin does to users in the pages: list, read, change role and scope, disable and
/// enable, and the tokens of one user. Every change is logged by the triggers of sql/0040 with
/// the acting login (``ChangeActor``); password hashes and token hashes are left out of the log.
/// No change may leave the tenant without an enabled admin (``AdminLockout``).
public enum PeopleQueries {
    /// The tenant's users by login, optionally only those of `role` and only the disabled (true) or enabled (false).
    public static func list(tenant: Tenant, role: Role? = nil, disabled: Bool? = nil, database: Database) async throws -> [UserRecord] {
        try await database.tenantTransaction(tenant, readOnly: true) { conn in
            try conn.query(
                """
                \(fragment: selectUsers)
                WHERE (\(role?.rawValue)::text IS NULL OR role = \(role?.rawValue)) AND (\(disabled)::boolean IS NULL OR disabled = \(disabled))
                ORDER BY login
                """
            ).decode(UserRecord.self)
        }
    }

    /// One user.
    /// - Throws: ``StoreError/notFound(_:)`` for an unknown login.
    public static func get(tenant: Tenant, login: String, database: Database) async throws -> UserRecord {
        try await database.tenantTransaction(tenant, readOnly: true) { conn in
            guard let row = try conn.queryFirst("\(fragment: selectUsers) WHERE login = \(login)") else {
                throw StoreError.notFound("user \(login)")
            }
            return try UserRecord(row: row)
        }
    }

    /// Sets `login`'s display name (nil: kept; blank: the login), role and scope (the scope must exist). `actor` (who asks)
    /// only words the last-admin refusal; the change log names ``ChangeActor/current``.
    /// - Throws: ``StoreError/invalid(_:)`` naming the field (an unknown region, outlet or
    ///   employee; the last active admin's role), ``StoreError/notFound(_:)``.
    public static func update(
        tenant: Tenant, login: String, displayName: String?, scope: UserScope, actor: String,
        database: Database
    ) async throws {
        try await change(tenant: tenant, login: login, database: database) { conn, user, admins in
            if let problem = AdminLockout.refusal(
                changing: login, toRole: scope.role, disabled: user.disabled, activeAdmins: admins, actor: actor)
            {
                throw StoreError.invalid([problem])
            }
            try IdentityQueries.checkScopeExists(scope, conn)
            let name = displayName.map { $0.trimmingLineWhitespace.isEmpty ? login : $0.trimmingLineWhitespace }
            try conn.execute(
                """
                UPDATE users SET display_name = coalesce(\(name), display_name), role = \(scope.role.rawValue),
                       region_path = \(scope.regionPath), outlet_code = \(scope.outletCode), employee_no = \(scope.employeeNo)
                WHERE login = \(login)
                """)
        }
    }

    /// Disables (or enables again) `login`; `actor` as for ``update(tenant:login:displayName:scope:actor:database:)``. A disabled user can neither log in nor use
    /// a token (the look-ups test it), and their page sessions end.
    public static func setDisabled(tenant: Tenant, login: String, disabled: Bool, actor: String, database: Database) async throws {
        try await change(tenant: tenant, login: login, database: database) { conn, user, admins in
            if let problem = AdminLockout.refusal(
                changing: login, toRole: user.role, disabled: disabled, activeAdmins: admins, actor: actor)
            {
                throw StoreError.invalid([problem])
            }
            try conn.execute("UPDATE users SET disabled = \(disabled) WHERE login = \(login)")
            if disabled {
                try conn.execute(
                    """
                    UPDATE page_sessions s SET ended_at = now() FROM users u
                    WHERE u.tenant_id = s.tenant_id AND u.id = s.user_id AND u.login = \(login) AND s.ended_at IS NULL
                    """)
            }
        }
    }

    /// The tokens of `login`, newest first.
    public static func tokens(tenant: Tenant, login: String, database: Database) async throws -> [TokenRecord] {
        try await database.tenantTransaction(tenant, readOnly: true) { conn in
            try conn.query(
                """
                SELECT k.id, k.label, k.created_at, k.expires_at, k.revoked_at, k.last_used_at
                FROM api_tokens k JOIN users u ON u.tenant_id = k.tenant_id AND u.id = k.user_id
                WHERE u.login = \(login) ORDER BY k.id DESC
                """
            ).decode(TokenRecord.self)
        }
    }

    /// Revokes token `id` of `login` at once.
    /// - Throws: ``StoreError/notFound(_:)`` when `login` has no such live token.
    public static func revokeToken(tenant: Tenant, login: String, id: Int64, database: Database) async throws {
        let changed = try await database.tenantTransaction(tenant) { conn in
            try conn.execute(
                """
                UPDATE api_tokens k SET revoked_at = now() FROM users u
                WHERE u.tenant_id = k.tenant_id AND u.id = k.user_id AND u.login = \(login) AND k.id = \(id) AND k.revoked_at IS NULL
                """)
        }
        if changed == 0 { throw StoreError.notFound("live token \(id) of \(login)") }
    }

    /// Every user, in ``UserRecord/init(row:)``'s column order.
    private static let selectUsers: Query = """
        SELECT login, display_name, role, region_path, outlet_code, employee_no, disabled, password_hash IS NOT NULL, must_change_password, created_at FROM users
        """

    /// The enabled admins' logins, locked until the transaction ends, so two admins disabling
    /// each other at once cannot both pass ``AdminLockout``.
    private static func activeAdmins(_ conn: PQConnection) throws -> Set<String> {
        Set(
            try conn.query("SELECT login FROM users WHERE role = 'admin' AND NOT disabled ORDER BY id FOR UPDATE")
                .map { try $0.decode(String.self) })
    }

    /// Runs `body` with `login`'s row and the enabled admins, locked in that order (admins first,
    /// always, so concurrent changes cannot deadlock), in one transaction (logged as ``ChangeActor/current``).
    private static func change(
        tenant: Tenant, login: String, database: Database,
        _ body: @escaping @Sendable (PQConnection, UserRecord, _ activeAdmins: Set<String>) throws -> Void
    ) async throws {
        try await database.tenantTransaction(tenant) { conn in
            let admins = try activeAdmins(conn)
            guard let row = try conn.queryFirst("\(fragment: selectUsers) WHERE login = \(login) FOR UPDATE") else {
                throw StoreError.notFound("user \(login)")
            }
            try body(conn, try UserRecord(row: row), admins)
        }
    }
}
