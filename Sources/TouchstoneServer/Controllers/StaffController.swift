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
        let principal = try context.require(.readStaff)
        let page = try Pagination(request)
        return try await ScopedLists.staff(
            tenant: try context.requireTenant(), principal: principal, after: page.after,
            limit: page.limit, database: database)
    }

    @Sendable func get(_ request: Request, context: AppRequestContext) async throws -> StaffMember {
        try await StaffDirectory(database: database).member(try context.parameters.require("employeeNo"), context: context)
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
}
