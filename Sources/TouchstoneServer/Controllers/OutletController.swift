import Hummingbird
import TouchstoneCore
import TouchstoneStore

/// `/api/v1/outlets`: list, get, create and replace outlets, within the caller's scope.
struct OutletController {
    let database: Database

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("outlets", use: list)
        group.get("outlets/:code", use: get)
        group.post("outlets", use: create)
        group.put("outlets/:code", use: replace)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Page<Outlet> {
        let principal = try context.require(.readOutlets)
        let page = try Pagination(request)
        return try await ScopedLists.outlets(
            tenant: try context.requireTenant(), principal: principal, after: page.after,
            limit: page.limit, database: database)
    }

    @Sendable func get(_ request: Request, context: AppRequestContext) async throws -> Outlet {
        let code = try context.parameters.require("code")
        let outlet = try await OutletQueries.get(tenant: try context.requireTenant(), code: code, database: database)
        try context.require(.readOutlets, on: .outlet(outlet.code, regionPath: outlet.regionPath), missing: "outlet \(code)")
        return outlet
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<Outlet> {
        try context.require(.manageOutlets)
        let outlet = try await request.decode(as: Outlet.self, context: context)
        let saved = try await OutletQueries.save(tenant: try context.requireTenant(), outlet: outlet, replace: false, database: database)
        return EditedResponse(status: .created, response: saved)
    }

    @Sendable func replace(_ request: Request, context: AppRequestContext) async throws -> Outlet {
        try context.require(.manageOutlets)
        var outlet = try await request.decode(as: Outlet.self, context: context)
        outlet.code = try context.parameters.require("code")
        return try await OutletQueries.save(tenant: try context.requireTenant(), outlet: outlet, replace: true, database: database)
    }
}
