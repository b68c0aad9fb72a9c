import Crypto
import Foundation
import PQ
public import TouchstoneCore

/// Users, roles and API tokens. Tokens are random 32-byte secrets shown once; only their
/// SHA-256 is stored, so neither the database nor its backups can replay them.
public enum IdentityQueries {
    /// A new user of `tenant`. A region manager needs `regionPath`, an outlet manager `outletCode`,
    /// a staff user `employeeNo` (each must exist; a role's other scope fields are dropped); a
    /// duplicate login is a conflict. With `passwordHash` the user can log in to the pages;
    /// `mustChangePassword` sends them to the change-password form first.
    public static func addUser(
        tenant: Tenant, login: String, displayName: String?, role: Role,
        regionPath: String? = nil, outletCode: String? = nil, employeeNo: String? = nil,
        passwordHash: String? = nil, mustChangePassword: Bool = false, database: Database
    ) async throws {
        var problems: [Problem] = []
        if let problem = loginProblem(login) { problems.append(problem) }
        let scope: UserScope?
        do {
            scope = try UserScope(role: role, regionPath: regionPath, outletCode: outletCode, employeeNo: employeeNo)
        } catch let failure as ValidationFailure {
            problems += failure.problems
            scope = nil
        }
        guard let scope, problems.isEmpty else { throw StoreError.invalid(problems) }
        let name = displayName?.trimmingLineWhitespace ?? ""
        try await database.tenantTransaction(tenant) { conn in
            try checkScopeExists(scope, conn)
            if try conn.queryFirst("SELECT 1 FROM users WHERE login = \(login)") != nil {
                throw StoreError.conflict("user \(login) already exists")
            }
            try conn.execute(
                """
                INSERT INTO users (tenant_id, login, display_name, role, region_path, outlet_code, employee_no, password_hash,
                                   must_change_password)
                VALUES (app_current_tenant(), \(login), \(name.isEmpty ? login : name), \(role.rawValue), \(scope.regionPath),
                        \(scope.outletCode), \(scope.employeeNo), \(passwordHash), \(passwordHash != nil && mustChangePassword))
                """)
        }
    }

    /// What is wrong with `login` as a login name (the rule of the `users.login` column), if anything.
    static func loginProblem(_ login: String) -> Problem? {
        let allowed = { (c: Unicode.Scalar) in c.isASCII && (c.properties.isAlphabetic || ("0"..."9").contains(c)) }
        let scalars = Array(login.unicodeScalars)
        guard let first = scalars.first, allowed(first), scalars.count <= 128,
            scalars.allSatisfy({ allowed($0) || "_.@/-".unicodeScalars.contains($0) })
        else {
            return Problem(path: "login", message: "a login is 1 to 128 of A-Z, a-z, 0-9 and _ . @ / -, starting with a letter or digit")
        }
        return nil
    }

    /// Fails naming the field when the scope's region, outlet or employee does not exist in the tenant.
    static func checkScopeExists(_ scope: UserScope, _ conn: PQConnection) throws {
        if let outletCode = scope.outletCode, try conn.queryFirst("SELECT 1 FROM outlets WHERE code = \(outletCode)") == nil {
            throw StoreError.invalid([Problem(path: "outlet", message: "unknown outlet \(outletCode)")])
        }
        if let regionPath = scope.regionPath, try conn.queryFirst("SELECT 1 FROM regions WHERE path = \(regionPath)") == nil {
            throw StoreError.invalid([Problem(path: "region", message: "unknown region \(regionPath)")])
        }
        if let employeeNo = scope.employeeNo, try conn.queryFirst("SELECT 1 FROM staff WHERE employee_no = \(employeeNo)") == nil {
            throw StoreError.invalid([Problem(path: "employee", message: "unknown employee \(employeeNo)")])
        }
    }

    /// A new API token for `login`, valid for `days`; returns its id and the secret (shown once).
    public static func createToken(
        tenant: Tenant, login: String, label: String?, days: Int, database: Database
    ) async throws -> (id: Int64, token: String) {
        guard (1...3650).contains(days) else {
            throw StoreError.invalid([Problem(path: "days", message: "a token lives 1 to 3650 days")])
        }
        let token = newSecret()
        let hash = hashToken(token)
        let id = try await database.tenantTransaction(tenant) { conn in
            guard let user = try conn.queryFirst("SELECT id FROM users WHERE login = \(login) AND NOT disabled") else {
                throw StoreError.notFound("user \(login)")
            }
            let userID = try user.decode(Int64.self)
            return try conn.queryFirst(
                """
                INSERT INTO api_tokens (tenant_id, user_id, token_hash, label, expires_at)
                VALUES (app_current_tenant(), \(userID), \(hash), \(label),
                        now() + make_interval(days => \(days)))
                RETURNING id
                """)!.decode(Int64.self)
        }
        return (id, token)
    }

    /// Revokes a token at once.
    public static func revokeToken(tenant: Tenant, id: Int64, database: Database) async throws {
        let changed = try await database.tenantTransaction(tenant) { conn in
            try conn.execute("UPDATE api_tokens SET revoked_at = now() WHERE id = \(id) AND revoked_at IS NULL")
        }
        if changed == 0 { throw StoreError.notFound("live token \(id)") }
    }

    /// The principal a presented token stands for, and its tenant; nil when the token is
    /// unknown, expired or revoked, or its user disabled.
    public static func principal(forToken token: String, database: Database) async throws -> (Principal, Tenant)? {
        let hash = hashToken(token)
        return try await database.lookup { conn in
            try conn.queryFirst("SELECT * FROM app_principal_for_token(\(hash))").map(decodePrincipal)
        }
    }

    /// Records that `token` of `tenant` was used now (``TokenRecord/lastUsedAt``); not a logged change.
    public static func recordUse(token: String, tenant: Tenant, database: Database) async throws {
        let hash = hashToken(token)
        try await database.tenantTransaction(tenant) { conn in
            _ = try conn.execute("UPDATE api_tokens SET last_used_at = now() WHERE token_hash = \(hash)")
        }
    }

    /// A row of `app_principal_for_token` or `app_principal_for_session`: the tenant, then the user.
    static func decodePrincipal(_ row: PQRow) throws -> (Principal, Tenant) {
        let tenant = try TenantQueries.decode(row)
        // The tenant's eight columns (decoded above), then the user's.
        let (_, _, _, _, _, _, _, _, login, role, regionPath, outletCode, employeeNo) = try row.decode(
            (Int64, String, String, String, String, Int, Int, Int, String, String, String?, String?, String?).self)
        let principal = Principal(
            tenantID: tenant.id, tenantCode: tenant.code, login: login, role: Role(rawValue: role) ?? .staff,
            regionPath: regionPath, outletCode: outletCode, employeeNo: employeeNo)
        return (principal, tenant)
    }

    /// The stored form of a token.
    static func hashToken(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// `tst_` and 32 random bytes in base64url.
    static func newSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let base64 = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        return "tst_" + base64
    }
}
