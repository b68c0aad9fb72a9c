import Hummingbird
import TouchstoneCore
import TouchstoneStore

/// `/api/v1/staff`: staff members with their assignment history, within the caller's scope.
struct StaffController {
    let database: Database

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("staff", use: list)
        group.get("staff/:employeeNo", use: get)
        group.post("staff", use: create)
        group.put("staff/:employeeNo", use: replace)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Page<StaffMember> {
        let principal = try context.requirePrincipal()
        let page = try Pagination(request)
        let tenant = try context.requireTenant()
        switch principal.role {
        case .admin, .analyst:
            return try await StaffQueries.list(tenant: tenant, after: page.after, limit: page.limit, database: database)
        case .regionManager:
            return try await StaffQueries.list(tenant: tenant, after: page.after, limit: page.limit, within: principal.regionPath, database: database)
        case .outletManager:
            return try await StaffQueries.list(tenant: tenant, after: page.after, limit: page.limit, outlet: principal.outletCode, database: database)
        case .staff:
            let member = try await StaffQueries.get(tenant: tenant, employeeNo: principal.employeeNo ?? "", database: database)
            return Page(items: page.after.map { member.employeeNo > $0 } ?? true ? [member] : [], next: nil)
        case .auditor:
            throw APIProblem.forbidden()
        }
    }

    @Sendable func get(_ request: Request, context: AppRequestContext) async throws -> StaffMember {
        let principal = try context.requirePrincipal()
        let employeeNo = try context.parameters.require("employeeNo")
        let tenant = try context.requireTenant()
        let member = try await StaffQueries.get(tenant: tenant, employeeNo: employeeNo, database: database)
        if try await !canSee(member, principal: principal, tenant: tenant) {
            throw StoreError.notFound("staff \(employeeNo)")
        }
        return member
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<StaffMember> {
        try context.require(.manageStaff)
        let member = try await request.decode(as: StaffMember.self, context: context)
        let saved = try await StaffQueries.save(tenant: try context.requireTenant(), member: member, replace: false, database: database)
        return EditedResponse(status: .created, response: saved)
    }

    @Sendable func replace(_ request: Request, context: AppRequestContext) async throws -> StaffMember {
        try context.require(.manageStaff)
        var member = try await request.decode(as: StaffMember.self, context: context)
        member.employeeNo = try context.parameters.require("employeeNo")
        return try await StaffQueries.save(tenant: try context.requireTenant(), member: member, replace: true, database: database)
    }

    /// Head office sees everyone; managers those ever assigned within their scope; staff themselves.
    private func canSee(_ member: StaffMember, principal: Principal, tenant: Tenant) async throws -> Bool {
        switch principal.role {
        case .admin, .analyst: return true
        case .staff: return member.employeeNo == principal.employeeNo
        case .auditor: return false
        case .outletManager: return member.assignments.contains { $0.outlet == principal.outletCode }
        case .regionManager:
            for code in Set(member.assignments.map(\.outlet)) {
                let outlet = try await OutletQueries.get(tenant: tenant, code: code, database: database)
                if principal.canSee(outlet: code, regionPath: outlet.regionPath) { return true }
            }
            return false
        }
    }
}
