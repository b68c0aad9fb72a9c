import Foundation
import PQ
public import TouchstoneCore

/// SQL for tenants.
public enum TenantQueries {
    /// Creates a tenant, as the schema owner; a duplicate code is a conflict.
    ///
    /// Row-level security is forced on the owner too, so the new row's id is drawn first and
    /// set as the transaction's tenant: the insert passes the same policy every write does.
    public static func create(
        code: String, name: String, timezone: String, currency: String, owner: SchemaOwner
    ) async throws -> Tenant {
        var problems: [Problem] = []
        if TimeZone(identifier: timezone) == nil {
            problems.append(Problem(path: "timezone", message: "unknown time zone \(timezone) (use an IANA name such as Asia/Shanghai)"))
        }
        if currency.count != 3 || currency.uppercased() != currency {
            problems.append(Problem(path: "currency", message: "currency must be a 3-letter ISO 4217 code such as CNY"))
        }
        if code.range(of: "^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$", options: .regularExpression) == nil {
            problems.append(Problem(path: "code", message: "tenant code must be 1–63 letters, digits, _ . -"))
        }
        if !problems.isEmpty { throw StoreError.invalid(problems) }
        do {
            return try await owner.transaction { conn in
                let id = try conn.queryFirst("SELECT nextval(pg_get_serial_sequence('tenants', 'id'))")!.decode(Int64.self)
                _ = try conn.execute("SELECT set_config('app.tenant_id', \(String(id)), true)")
                let row = try conn.queryFirst(
                    """
                    INSERT INTO tenants (id, code, name, timezone, currency) OVERRIDING SYSTEM VALUE
                    VALUES (\(id), \(code), \(name), \(timezone), \(currency))
                    RETURNING id, code, name, timezone, currency, sla_high_hours, sla_medium_hours, sla_low_hours
                    """)!
                return try decode(row)
            }
        } catch StoreError.conflict {
            throw StoreError.conflict("tenant \(code) already exists")
        }
    }

    /// Sets the tenant's complaint SLA hours per severity (rules.md §3; defaults 24/48/72).
    public static func setSLA(tenant: Tenant, policy: SLAPolicy, database: Database) async throws -> Tenant {
        let problems = [("high", policy.high), ("medium", policy.medium), ("low", policy.low)]
            .filter { !(1...8760).contains($0.1) }
            .map { Problem(path: $0.0, message: "SLA hours must be 1 to 8760 (got \($0.1))") }
        guard problems.isEmpty else { throw StoreError.invalid(problems) }
        return try await database.tenantTransaction(tenant) { conn in
            let row = try conn.queryFirst(
                """
                UPDATE tenants SET sla_high_hours = \(policy.high), sla_medium_hours = \(policy.medium), sla_low_hours = \(policy.low)
                WHERE id = app_current_tenant()
                RETURNING id, code, name, timezone, currency, sla_high_hours, sla_medium_hours, sla_low_hours
                """)
            guard let row else { throw StoreError.notFound("tenant \(tenant.code)") }
            return try decode(row)
        }
    }

    /// Finds a tenant by code, before any tenant is set (through a security-definer function).
    public static func find(code: String, on database: Database) async throws -> Tenant {
        let found = try await database.pool.withConnection { conn in
            try conn.queryFirst("SELECT * FROM app_tenant_by_code(\(code))").map(decode)
        }
        guard let found else { throw StoreError.notFound("tenant \(code)") }
        return found
    }

    /// Every tenant, by code, before any tenant is set (through a security-definer function):
    /// the daemon's sweeps visit each one.
    public static func all(on database: Database) async throws -> [Tenant] {
        try await database.pool.withConnection { conn in try conn.query("SELECT * FROM app_tenants()").map(decode) }
    }

    static func decode(_ row: PQRow) throws -> Tenant {
        let (id, code, name, timezone, currency, slaHigh, slaMedium, slaLow) = try row.decode(
            (Int64, String, String, String, String, Int, Int, Int).self)
        return Tenant(
            id: id, code: code, name: name, timezone: timezone, currency: currency,
            sla: SLAPolicy(high: slaHigh, medium: slaMedium, low: slaLow))
    }
}
