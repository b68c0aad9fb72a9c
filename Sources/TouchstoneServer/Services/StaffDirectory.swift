import TouchstoneCore
import TouchstoneStore

/// A staff member as the caller may see them, for the staff API and the staff page.
struct StaffDirectory {
    let database: Database

    /// `employeeNo` with their history, when the caller may read them; 404 otherwise.
    func member(_ employeeNo: String, context: AppRequestContext) async throws -> StaffMember {
        let principal = try context.requirePrincipal()
        let tenant = try context.requireTenant()
        let member = try await StaffQueries.get(tenant: tenant, employeeNo: employeeNo, database: database)
        let subject = try await SubjectLookup(database: database, tenant: tenant, principal: principal).employee(member, for: .readStaff)
        try context.require(.readStaff, on: subject, missing: "staff \(employeeNo)")
        return member
    }
}
