import PQ
public import TouchstoneCore

/// SQL for outlets and the org tree.
public enum OutletQueries {
    /// Every outlet with its region's path, in ``decode(_:)``'s column order.
    static let selectOutlets: Query =
        "SELECT o.code, o.name, o.type, r.path, o.opened_on, o.closed_on, o.city FROM outlets o JOIN regions r ON r.tenant_id = o.tenant_id AND r.id = o.region_id"

    /// Outlets ordered by code, `limit` at a time after the cursor `after`; optionally only
    /// those under the region `within` (its whole subtree).
    public static func list(
        tenant: Tenant, after: String?, limit: Int, within regionPath: String? = nil,
        database: Database
    ) async throws -> Page<Outlet> {
        try await database.tenantTransaction(tenant, readOnly: true) { conn in
            let rows = try conn.query(
                """
                \(fragment: selectOutlets)
                WHERE o.code > \(after ?? "")
                  AND (\(regionPath)::text IS NULL OR app_in_region_subtree(r.path, \(regionPath)))
                ORDER BY o.code LIMIT \(limit + 1)
                """)
            let outlets = try rows.prefix(limit).map(decode)
            return Page(items: outlets, next: rows.count > limit ? outlets.last?.code : nil)
        }
    }

    /// One outlet by code.
    public static func get(tenant: Tenant, code: String, database: Database) async throws -> Outlet {
        let outlet = try await database.tenantTransaction(tenant, readOnly: true) { conn in
            try conn.queryFirst(
                """
                \(fragment: selectOutlets)
                WHERE o.code = \(code)
                """
            ).map(decode)
        }
        guard let outlet else { throw StoreError.notFound("outlet \(code)") }
        return outlet
    }

    /// Creates the outlet (`replace` false: a duplicate code is a conflict) or replaces an
    /// existing one's fields (`replace` true: a missing code is not found). Regions are created as needed.
    public static func save(tenant: Tenant, outlet: Outlet, replace: Bool, database: Database) async throws -> Outlet {
        let problems = outlet.problems
        guard problems.isEmpty else { throw StoreError.invalid(problems) }
        return try await database.tenantTransaction(tenant) { conn in
            let exists = try conn.queryFirst("SELECT 1 FROM outlets WHERE code = \(outlet.code) FOR UPDATE") != nil
            if exists && !replace { throw StoreError.conflict("outlet \(outlet.code) already exists") }
            if !exists && replace { throw StoreError.notFound("outlet \(outlet.code)") }
            try conn.execute("SELECT app_ensure_region_paths(ARRAY[\(outlet.regionPath)])")
            try conn.execute(
                """
                INSERT INTO outlets AS o (tenant_id, code, name, type, region_id, opened_on, closed_on, city)
                SELECT app_current_tenant(), \(outlet.code), \(outlet.name), \(outlet.type), r.id,
                       \(outlet.openedOn?.description)::date, \(outlet.closedOn?.description)::date, \(outlet.city)
                FROM regions r WHERE r.path = \(outlet.regionPath)
                ON CONFLICT (tenant_id, code) DO UPDATE
                SET name = EXCLUDED.name, type = EXCLUDED.type, region_id = EXCLUDED.region_id, opened_on = EXCLUDED.opened_on,
                    closed_on = EXCLUDED.closed_on, city = EXCLUDED.city, updated_at = now()
                """)
            return outlet
        }
    }

    static func decode(_ row: PQRow) throws -> Outlet {
        let (code, name, type, regionPath, openedOn, closedOn, city) = try row.decode(
            (String, String, String?, String, String?, String?, String?).self)
        return Outlet(
            code: code, name: name, type: type, regionPath: regionPath,
            openedOn: openedOn.flatMap(CivilDate.init), closedOn: closedOn.flatMap(CivilDate.init), city: city)
    }
}
