public import TouchstoneCore

/// Outlets and staff within a caller's ``Reach``: where Store turns the policy into the list
/// queries' filters (for audits, ``AuditScope`` does, into `app_audit_visible`'s).
public enum ScopedLists {
    /// The outlets `principal` may read (``Action/readOutlets``), `limit` at a time after the cursor `after`.
    public static func outlets(tenant: Tenant, principal: Principal, after: String?, limit: Int, database: Database) async throws -> Page<Outlet> {
        switch principal.reach(for: .readOutlets) {
        case .tenant?: try await OutletQueries.list(tenant: tenant, after: after, limit: limit, database: database)
        case .region(let path)?: try await OutletQueries.list(tenant: tenant, after: after, limit: limit, within: path, database: database)
        case .outlet(let code)?: single(try await OutletQueries.get(tenant: tenant, code: code, database: database), key: code, after: after)
        case .employee?, .submitter?, nil: Page(items: [], next: nil)
        }
    }

    /// The staff `principal` may read (``Action/readStaff``; managers: those ever assigned within
    /// their reach), `limit` at a time after the cursor `after`.
    public static func staff(tenant: Tenant, principal: Principal, after: String?, limit: Int, database: Database) async throws -> Page<StaffMember> {
        switch principal.reach(for: .readStaff) {
        case .tenant?: try await StaffQueries.list(tenant: tenant, after: after, limit: limit, database: database)
        case .region(let path)?: try await StaffQueries.list(tenant: tenant, after: after, limit: limit, within: path, database: database)
        case .outlet(let code)?: try await StaffQueries.list(tenant: tenant, after: after, limit: limit, outlet: code, database: database)
        case .employee(let number)?:
            single(try await StaffQueries.get(tenant: tenant, employeeNo: number, database: database), key: number, after: after)
        case .submitter?, nil: Page(items: [], next: nil)
        }
    }

    /// The one-item page of `item`, empty when the cursor is already past its `key`.
    private static func single<Item>(_ item: Item, key: String, after: String?) -> Page<Item> {
        Page(items: after.map { key > $0 } ?? true ? [item] : [], next: nil)
    }
}
