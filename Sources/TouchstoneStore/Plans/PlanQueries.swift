public import Foundation
public import PQ
public import TouchstoneCore

/// SQL for incentive plans: versioned, validated against the tenant's KPI definitions.
///
/// A plan is never edited in place: a changed definition becomes the next version, and a
/// version that paid a closed period is refused any change by the database (TS002).
public enum PlanQueries {
    /// A stored plan's columns, in ``StoredPlan/init(row:)``'s order.
    static let columns: Query = "code, version, name, created_at, definition::text"
    /// The latest version of every plan, ordered by code (code-point order).
    static let latestVersions: Query = """
        SELECT * FROM (SELECT DISTINCT ON (code) \(fragment: columns) FROM plans ORDER BY code, version DESC) AS latest
        ORDER BY code COLLATE "C"
        """

    /// Validates `json` against the tenant's stored KPI definitions and stores it as a new
    /// version of its plan, unless it is identical (as JSON) to the latest version.
    /// - Throws: ``StoreError/invalid(_:)`` listing every problem; nothing is stored then.
    public static func add(tenant: Tenant, json: Data, database: Database) async throws -> PlanAddResult {
        try await database.tenantTransaction(tenant) { conn in
            let kpis = try knownKPIs(conn)
            let plan: Plan
            do throws(ValidationFailure) {
                plan = try Plan.parse(json: json, knownKPIs: kpis)
            } catch {
                throw StoreError.invalid(error.problems)
            }
            let text = String(decoding: json, as: UTF8.self)
            // Serialises concurrent adds of one plan code (versions are latest + 1).
            try conn.execute("SELECT pg_advisory_xact_lock(\(lockClass), hashtext(\(plan.code)))")
            if let latest = try conn.queryFirst(
                """
                SELECT \(fragment: columns), definition = \(text)::jsonb AS unchanged FROM plans
                WHERE code = \(plan.code) ORDER BY version DESC LIMIT 1
                """), try latest.decode("unchanged", as: Bool.self)
            {
                return PlanAddResult(plan: try StoredPlan(row: latest), outcome: .unchanged)
            }
            let stored = try StoredPlan(
                row: conn.queryFirst(
                    """
                    INSERT INTO plans (tenant_id, code, version, name, definition)
                    SELECT app_current_tenant(), \(plan.code), coalesce(max(version), 0) + 1, \(plan.name), \(text)::jsonb
                    FROM plans WHERE code = \(plan.code)
                    RETURNING \(fragment: columns)
                    """)!)
            return PlanAddResult(plan: stored, outcome: .created)
        }
    }

    /// The latest version of every plan, ordered by code.
    public static func list(tenant: Tenant, database: Database) async throws -> [StoredPlan] {
        try await database.tenantTransaction(tenant, readOnly: true) { conn in
            try conn.query(
                latestVersions
            ).decode(StoredPlan.self)
        }
    }

    /// One plan: the given version, or the latest.
    public static func get(tenant: Tenant, code: String, version: Int? = nil, database: Database) async throws -> StoredPlan {
        let found = try await database.tenantTransaction(tenant, readOnly: true) { conn in
            try conn.queryFirst(
                """
                SELECT \(fragment: columns) FROM plans
                WHERE code = \(code) AND (\(version)::integer IS NULL OR version = \(version))
                ORDER BY version DESC LIMIT 1
                """
            ).map(StoredPlan.init)
        }
        guard let found else { throw StoreError.notFound(version.map { "plan \(code) version \($0)" } ?? "plan \(code)") }
        return found
    }

    /// The tenant's KPI definitions by code (what plans are validated and computed against).
    static func knownKPIs(_ conn: PQConnection) throws -> [String: KPIDefinition] {
        Dictionary(uniqueKeysWithValues: try KPIDefinitionQueries.load(conn).map { ($0.code, $0) })
    }

    /// The latest version of every plan of `kind`, parsed, ordered by code.
    static func latest(_ conn: PQConnection, kind: Period.Kind, kpis: [String: KPIDefinition]) throws -> [(version: Int, plan: Plan)] {
        try conn.query(
            latestVersions
        ).decode(StoredPlan.self).compactMap { stored in
            let plan = try parse(stored, kpis: kpis)
            return plan.period == kind ? (stored.version, plan) : nil
        }
    }

    /// The plan versions that paid `period` (its own rows, not adjustments), parsed, ordered by code.
    static func paid(_ conn: PQConnection, period: Period, kpis: [String: KPIDefinition]) throws -> [(version: Int, plan: Plan)] {
        try conn.query(
            """
            SELECT \(fragment: columns) FROM plans
            WHERE (code, version) IN (SELECT plan_code, plan_version FROM payouts
                                      WHERE period = \(period.description) AND adjusts_period = '')
            ORDER BY code COLLATE "C"
            """
        ).decode(StoredPlan.self).map { stored in (stored.version, try parse(stored, kpis: kpis)) }
    }

    /// Parses a stored version; one that no longer validates (a KPI it names was removed) is an error.
    static func parse(_ stored: StoredPlan, kpis: [String: KPIDefinition]) throws -> Plan {
        do {
            return try Plan.parse(json: Data(stored.definition.utf8), knownKPIs: kpis)
        } catch {
            throw StoreError.invalidState("plan \(stored.code) version \(stored.version) no longer validates: \(error)")
        }
    }

    /// Advisory-lock class of plan adds.
    static let lockClass: Int32 = 0x7453_504c
}

extension StoredPlan: PQRowDecodable {
    /// A row starting with ``PlanQueries``' `columns`.
    public init(row: PQRow) throws {
        (code, version, name, createdAt, definition) = try row.decode((String, Int, String, Date, String).self)
    }
}
