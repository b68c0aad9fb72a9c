import Crypto
import Foundation
import PQ
import TouchstoneCore

/// Users, roles and API tokens. Tokens are random 32-byte secrets shown once; only their
/// SHA-256 is stored, so neither the database nor its backups can replay them.
public enum IdentityQueries {
    /// A new user of `tenant`. A region manager needs `regionPath`, an outlet manager `outletCode`,
    /// a staff user `employeeNo`; a duplicate login is a conflict.
    public static func addUser(
        tenant: Tenant, login: String, displayName: String?, role: Role,
        regionPath: String? = nil, outletCode: String? = nil, employeeNo: String? = nil, database: Database
    ) async throws {
        var problems: [Problem] = []
        if role == .regionManager && regionPath == nil { problems.append(Problem(path: "region", message: "a region manager needs a region path")) }
        if role == .outletManager && outletCode == nil { problems.append(Problem(path: "outlet", message: "an outlet manager needs an outlet code")) }
        if role == .staff && employeeNo == nil { problems.append(Problem(path: "employee", message: "a staff user needs an employee number")) }
        if !problems.isEmpty { throw StoreError.invalid(problems) }
        try await database.tenantTransaction(tenant) { conn in
            if let outletCode, try conn.queryFirst("SELECT 1 FROM outlets WHERE code = \(outletCode)") == nil {
                throw StoreError.invalid([Problem(path: "outlet", message: "unknown outlet \(outletCode)")])
            }
            if let regionPath, try conn.queryFirst("SELECT 1 FROM regions WHERE path = \(regionPath)") == nil {
                throw StoreError.invalid([Problem(path: "region", message: "unknown region \(regionPath)")])
            }
            if let employeeNo, try conn.queryFirst("SELECT 1 FROM staff WHERE employee_no = \(employeeNo)") == nil {
                throw StoreError.invalid([Problem(path: "employee", message: "unknown employee \(employeeNo)")])
            }
            if try conn.queryFirst("SELECT 1 FROM users WHERE login = \(login)") != nil {
                throw StoreError.conflict("user \(login) already exists")
            }
            try conn.execute("""
                INSERT INTO users (tenant_id, login, display_name, role, region_path, outlet_code, employee_no)
                VALUES (app_current_tenant(), \(login), \(displayName ?? login), \(role.rawValue), \(regionPath), \(outletCode), \(employeeNo))
                """)
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
            return try conn.queryFirst("""
                INSERT INTO api_tokens (tenant_id, user_id, token_hash, label, expires_at)
                VALUES (app_current_tenant(), \(try user.decode(0, as: Int64.self)), \(hash), \(label),
                        now() + make_interval(days => \(days)))
                RETURNING id
                """)!.decode(0, as: Int64.self)
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

    /// A row of `app_principal_for_token` or `app_principal_for_session`: the tenant, then the user.
    static func decodePrincipal(_ row: PQRow) throws -> (Principal, Tenant) {
        let tenant = try TenantQueries.decode(row)
        let principal = Principal(
            tenantID: tenant.id,
            tenantCode: tenant.code,
            login: try row.decode(8, as: String.self),
            role: Role(rawValue: try row.decode(9, as: String.self)) ?? .staff,
            regionPath: try row.decode(10, as: String?.self),
            outletCode: try row.decode(11, as: String?.self),
            employeeNo: try row.decode(12, as: String?.self))
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
