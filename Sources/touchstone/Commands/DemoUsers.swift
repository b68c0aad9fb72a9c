import TouchstoneCore
import TouchstoneServer
import TouchstoneStore

/// The demo's page logins, one per role, with known passwords (printed by `touchstone demo`):
/// head office (an admin and an analyst), the manager of the first outlet's top region, that outlet's manager, a
/// person working there, and an auditor (the field form, with this month's visits from ``DemoVisits``).
enum DemoUsers {
    struct Login {
        let login: String
        let role: Role
        let password: String
        let scope: String
    }

    /// Creates the logins (kept when they exist) and sets their passwords.
    static func create(tenant: Tenant, database: Database) async throws -> [Login] {
        guard let outlet = try await OutletQueries.list(tenant: tenant, after: nil, limit: 1, database: database).items.first,
            let person = try await StaffQueries.list(tenant: tenant, after: nil, limit: 1, outlet: outlet.code, database: database).items.first
        else { throw StoreError.notFound("demo outlets and staff") }
        let region = String(outlet.regionPath.split(separator: "/").first ?? "")
        let logins = [
            (Login(login: "admin", role: .admin, password: "admin-demo-1", scope: "head office"), nil, nil, nil),
            (Login(login: "analyst", role: .analyst, password: "analyst-demo-1", scope: "head office"), nil, nil, nil),
            (Login(login: "rm", role: .regionManager, password: "rm-demo-1", scope: region), region, nil, nil),
            (Login(login: "om", role: .outletManager, password: "om-demo-1", scope: outlet.code), nil, outlet.code, nil),
            (Login(login: "staff", role: .staff, password: "staff-demo-1", scope: person.employeeNo), nil, nil, person.employeeNo),
            (Login(login: "auditor", role: .auditor, password: "auditor-demo-1", scope: "own visits"), nil, nil, nil),
        ]
        for (login, region, outletCode, employeeNo) in logins {
            do {
                try await IdentityQueries.addUser(
                    tenant: tenant, login: login.login, displayName: nil, role: login.role, regionPath: region, outletCode: outletCode,
                    employeeNo: employeeNo, database: database)
            } catch StoreError.conflict {
                // Already there from an earlier run.
            }
            try await SessionQueries.setPasswordHash(tenant: tenant, login: login.login, hash: Passwords.hash(login.password), database: database)
        }
        return logins.map(\.0)
    }
}
