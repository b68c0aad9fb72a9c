import Foundation
import PQ
public import TouchstoneCore

/// Passwords and page sessions. Passwords arrive here only as bcrypt hashes (hashed by the
/// caller); session ids are random secrets handed to the browser once, stored only as SHA-256.
public enum SessionQueries {
    /// How long a page session lives after login.
    public static let lifetime: Duration = .seconds(12 * 3600)

    /// Sets (or replaces) the bcrypt hash of `login`'s password and ends the user's live page
    /// sessions in the same transaction (a session opened with the old password must not outlive it).
    /// - Parameters:
    ///   - keeping: a session id to keep (the one changing its own password), if any.
    ///   - mustChange: whether the user must choose a new password at their next login (an
    ///     admin's reset with a temporary password); false when the user chose it.
    /// - Throws: ``StoreError/notFound(_:)`` for an unknown login.
    public static func setPasswordHash(
        tenant: Tenant, login: String, hash: String, keeping session: String? = nil,
        mustChange: Bool = false, database: Database
    ) async throws {
        let kept = session.map(IdentityQueries.hashToken)
        let changed = try await database.tenantTransaction(tenant) { conn in
            let changed = try conn.execute(
                """
                UPDATE users SET password_hash = \(hash), must_change_password = \(mustChange) WHERE login = \(login)
                """)
            try conn.execute(
                """
                UPDATE page_sessions s SET ended_at = now()
                FROM users u
                WHERE u.tenant_id = s.tenant_id AND u.id = s.user_id AND u.login = \(login)
                  AND s.ended_at IS NULL AND s.session_hash IS DISTINCT FROM \(kept)
                """)
            return changed
        }
        if changed == 0 { throw StoreError.notFound("user \(login)") }
    }

    /// The user id and stored password hash of an enabled user; nil when the login is unknown,
    /// disabled or has no password.
    public static func passwordHash(tenant: Tenant, login: String, database: Database) async throws -> (userID: Int64, hash: String)? {
        try await database.tenantTransaction(tenant, readOnly: true) { conn in
            guard
                let row = try conn.queryFirst(
                    """
                    SELECT id, password_hash FROM users WHERE login = \(login) AND NOT disabled AND password_hash IS NOT NULL
                    """)
            else { return nil }
            return try row.decode((Int64, String).self)
        }
    }

    /// Starts a session for the user and returns its id (the secret the cookie carries).
    /// The user's sessions that ended or expired more than a day ago are removed on the way.
    public static func start(tenant: Tenant, userID: Int64, database: Database) async throws -> String {
        let session = IdentityQueries.newSecret()
        let hash = IdentityQueries.hashToken(session)
        let seconds = Int(lifetime.components.seconds)
        try await database.tenantTransaction(tenant) { conn in
            _ = try conn.execute(
                """
                DELETE FROM page_sessions
                WHERE user_id = \(userID) AND least(ended_at, expires_at) < now() - interval '1 day'
                """)
            _ = try conn.execute(
                """
                INSERT INTO page_sessions (tenant_id, user_id, session_hash, expires_at)
                VALUES (app_current_tenant(), \(userID), \(hash), now() + make_interval(secs => \(seconds)))
                """)
        }
        return session
    }

    /// A live page session: who it stands for, and whether they must set a new password before anything else.
    public struct Live: Sendable {
        public let principal: Principal
        public let tenant: Tenant
        public let mustChangePassword: Bool
    }

    /// The live session a presented session id stands for; nil when it is unknown, expired or
    /// ended, or its user disabled.
    public static func live(session: String, database: Database) async throws -> Live? {
        let hash = IdentityQueries.hashToken(session)
        return try await database.lookup { conn in
            try conn.queryFirst("SELECT * FROM app_principal_for_session(\(hash))").map { row in
                let (principal, tenant) = try IdentityQueries.decodePrincipal(row)
                return Live(principal: principal, tenant: tenant, mustChangePassword: try row.decode("must_change_password", as: Bool.self))
            }
        }
    }

    /// Ends a session at once (logout); unknown sessions are ignored.
    public static func end(session: String, database: Database) async throws {
        let hash = IdentityQueries.hashToken(session)
        do {
            _ = try await database.pool.withConnection { conn in
                try conn.execute("SELECT app_end_session(\(hash))")
            }
        } catch {
            throw StoreError.translate(error)
        }
    }
}
