import TouchstoneCore
import TouchstoneStore

extension AppRequestContext {
    /// The caller's tenant, or a 401 problem when the request is anonymous.
    func requireTenant() throws -> Tenant {
        guard let tenant else { throw APIProblem.unauthorized() }
        return tenant
    }

    /// Fails with 403 unless the caller's role passes `allowed`.
    func requireRole(_ allowed: (Role) -> Bool) throws {
        guard allowed(try requirePrincipal().role) else {
            throw APIProblem.forbidden("Your role may not do this.")
        }
    }
}
