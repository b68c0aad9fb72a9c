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
        let principal = try context.requirePrincipal()
        let page = try Pagination(request)
        switch principal.role {
        case .admin, .analyst, .auditor:
            return try await OutletQueries.list(tenant: try context.requireTenant(), after: page.after, limit: page.limit, database: database)
        case .regionManager:
            return try await OutletQueries.list(
                tenant: try context.requireTenant(), after: page.after, limit: page.limit, within: principal.regionPath, database: database)
        case .outletManager:
            let outlet = try await OutletQueries.get(tenant: try context.requireTenant(), code: principal.outletCode ?? "", database: database)
            return Page(items: page.after.map { outlet.code > $0 } ?? true ? [outlet] : [], next: nil)
        case .staff:
            throw APIProblem.forbidden()
        }
    }

    @Sendable func get(_ request: Request, context: AppRequestContext) async throws -> Outlet {
        let principal = try context.requirePrincipal()
        let code = try context.parameters.require("code")
        let outlet = try await OutletQueries.get(tenant: try context.requireTenant(), code: code, database: database)
        guard principal.role == .auditor || principal.canSee(outlet: outlet.code, regionPath: outlet.regionPath) else {
            throw StoreError.notFound("outlet \(code)")
        }
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
