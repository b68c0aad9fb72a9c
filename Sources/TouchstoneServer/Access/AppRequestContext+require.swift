import TouchstoneCore
import TouchstoneStore

extension AppRequestContext {
    /// The caller's tenant, or a 401 problem when the request is anonymous.
    func requireTenant() throws -> Tenant {
        guard let tenant else { throw APIProblem.unauthorized() }
        return tenant
    }

    /// The caller, when its role may take `action` (``Policy``); a 403 problem otherwise.
    @discardableResult
    func require(_ action: Action) throws -> Principal {
        let principal = try requirePrincipal()
        try principal.require(action)
        return principal
    }

    /// The caller, when it may take `action` on `subject`; otherwise `missing` is reported as
    /// not found (404), so a caller learns nothing of what lies outside its reach.
    @discardableResult
    func require(_ action: Action, on subject: Subject, missing: @autoclosure () -> String) throws -> Principal {
        let principal = try requirePrincipal()
        guard principal.may(action, on: subject) else { throw StoreError.notFound(missing()) }
        return principal
    }
}

extension Principal {
    /// Fails with a 403 problem unless the role may take `action` (``Policy``).
    func require(_ action: Action) throws {
        guard may(action) else { throw APIProblem.forbidden("Your role may not do this.") }
    }
}
