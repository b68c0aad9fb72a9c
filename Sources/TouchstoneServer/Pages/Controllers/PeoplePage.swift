import Foundation
import Hummingbird
import Logging
import TouchstoneCore
import TouchstoneStore

/// `/people`: an admin's users. The list (filters: role, enabled or disabled), `/people/new`
/// (add a user), `/people/{login}` (name, role and scope; disable or enable; reset the password;
/// create and revoke API tokens). A temporary password or a new token's secret is shown once, on
/// the answer to the form that made it, and is never stored or logged in clear. Every change is
/// written to the change log by the database (sql/0040) as the acting admin. Scopes are checked
/// (the region, outlet or employee must exist) and the last active admin stays (``AdminLockout``).
struct PeoplePage {
    let database: Database
    let renderer: PageRenderer
    /// The API's token cache, cleared after every change so it applies to the next API call.
    let tokens: PrincipalCache

    struct Option: Sendable {
        let value: String
        let label: String
        let selected: Bool
    }

    struct Row: Sendable {
        let login: String
        let link: String
        let name: String
        let role: String
        let scope: String
        let disabled: Bool
        let mustChange: Bool
    }

    struct ListView: Sendable {
        let roles: [Option]
        let states: [Option]
        let people: [Row]
    }

    /// The add form, filled with what was posted when it is shown again with its problems.
    struct NewView: Sendable {
        let login: String
        let name: String
        let roles: [Option]
        let region: String
        let outlet: String
        let employee: String
        let agency: String
        let errors: [String]
    }

    struct Token: Sendable {
        let id: Int64
        let label: String
        let created: String
        let expires: String
        let revoked: String?
        let lastUsed: String
        let live: Bool
    }

    /// A secret shown once: a temporary password or a token.
    struct Secret: Sendable {
        let title: String
        let value: String
    }

    struct PersonView: Sendable {
        let login: String
        let link: String
        let name: String
        let roles: [Option]
        let region: String
        let outlet: String
        let employee: String
        let agency: String
        let disabled: Bool
        let hasPassword: Bool
        let mustChange: Bool
        let isSelf: Bool
        let tokens: [Token]
        let notice: String?
        let secret: Secret?
        let errors: [String]
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("people", use: list)
        group.get("people/new", use: newForm)
        group.post("people", use: add)
        group.get("people/:login", use: person)
        group.post("people/:login", use: update)
        group.post("people/:login/disable", use: disable)
        group.post("people/:login/enable", use: enable)
        group.post("people/:login/password", use: resetPassword)
        group.post("people/:login/tokens", use: createToken)
        group.post("people/:login/tokens/:id/revoke", use: revokeToken)
    }

    // MARK: - List and add

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        try context.require(.manageUsers)
        let tenant = try context.requireTenant()
        let labels = renderer.labels(request)
        let query = request.uri.queryParameters
        let role = try query["role"].flatMap { $0.isEmpty ? nil : try Role.parse(String($0)) }
        let state = query["state"].map(String.init) ?? ""
        let disabled: Bool? = state == "disabled" ? true : state == "enabled" ? false : nil
        let people = try await PeopleQueries.list(tenant: tenant, role: role, disabled: disabled, database: database)
        let view = ListView(
            roles: [Option(value: "", label: labels["people_all_roles"] ?? "", selected: role == nil)] + roleOptions(role, labels: labels),
            states: [("", "people_all_states"), ("enabled", "people_enabled"), ("disabled", "people_disabled")].map {
                Option(value: $0.0, label: labels[$0.1] ?? $0.1, selected: $0.0 == (disabled == nil ? "" : state))
            },
            people: people.map { user in
                Row(
                    login: user.login, link: link(user.login), name: user.displayName,
                    role: labels["role_\(user.role.rawValue)"] ?? user.role.rawValue,
                    scope: user.regionPath ?? user.outletCode ?? user.employeeNo ?? user.agencyCode ?? "", disabled: user.disabled,
                    mustChange: user.mustChangePassword)
            })
        return renderer.page("people", title: "people_title", content: view, request: request, context: context)
    }

    @Sendable func newForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        try context.require(.manageUsers)
        let view = NewView(
            login: "", name: "", roles: roleOptions(nil, labels: renderer.labels(request)), region: "", outlet: "", employee: "", agency: "",
            errors: [])
        return renderer.page("person_new", title: "people_new", content: view, request: request, context: context)
    }

    /// Adds the user with a temporary password (the one typed, or a generated one shown once),
    /// to be changed at their first login.
    @Sendable func add(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await PageForm.checked(request, context: context)
        try context.require(.manageUsers)
        let tenant = try context.requireTenant()
        let labels = renderer.labels(request)
        let login = (form["login"] ?? "").trimmingLineWhitespace
        let (password, generated) = temporaryPassword(form["password"])
        do {
            let role = try Role.parse(form["role"] ?? "")
            if let weakness = Passwords.weakness(of: password) { throw ValidationFailure(path: "password", message: weakness) }
            try await IdentityQueries.addUser(
                tenant: tenant, login: login, displayName: form["name"], role: role, regionPath: form["region"], outletCode: form["outlet"],
                employeeNo: form["employee"], agencyCode: form["agency"], passwordHash: try await Passwords.hashOffThread(password),
                mustChangePassword: true,
                database: database)
        } catch {
            guard let (status, errors) = formProblems(error) else { throw error }
            let view = NewView(
                login: login, name: form["name"] ?? "", roles: roleOptions(Role(rawValue: form["role"] ?? ""), labels: labels),
                region: form["region"] ?? "", outlet: form["outlet"] ?? "", employee: form["employee"] ?? "", agency: form["agency"] ?? "",
                errors: errors)
            return renderer.page("person_new", title: "people_new", content: view, request: request, context: context, status: status)
        }
        context.logger.info("user added", metadata: ["login": "\(login)"])
        let secret = generated ? Secret(title: labels["people_temporary_password"] ?? "", value: password) : nil
        return try await personPage(login, request: request, context: context, notice: labels["people_added"], secret: secret, status: .created)
    }

    // MARK: - One person

    @Sendable func person(_ request: Request, context: AppRequestContext) async throws -> Response {
        try context.require(.manageUsers)
        let notice = request.uri.queryParameters["done"].flatMap { renderer.labels(request)["people_done_\($0)"] }
        return try await personPage(try context.parameters.require("login"), request: request, context: context, notice: notice)
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await PageForm.checked(request, context: context)
        let admin = try context.require(.manageUsers)
        let login = try context.parameters.require("login")
        do {
            let scope = try UserScope(
                role: try Role.parse(form["role"] ?? ""), regionPath: form["region"], outletCode: form["outlet"], employeeNo: form["employee"],
                agencyCode: form["agency"])
            try await PeopleQueries.update(
                tenant: try context.requireTenant(), login: login, displayName: form["name"], scope: scope, actor: admin.login,
                database: database)
        } catch {
            guard let (status, errors) = formProblems(error) else { throw error }
            return try await personPage(login, request: request, context: context, errors: errors, status: status)
        }
        await tokens.forgetAll()
        return PageResponse.redirect(to: link(login) + "?done=saved")
    }

    @Sendable func disable(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await setDisabled(true, request: request, context: context)
    }

    @Sendable func enable(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await setDisabled(false, request: request, context: context)
    }

    private func setDisabled(_ disabled: Bool, request: Request, context: AppRequestContext) async throws -> Response {
        _ = try await PageForm.checked(request, context: context)
        let admin = try context.require(.manageUsers)
        let login = try context.parameters.require("login")
        do {
            try await PeopleQueries.setDisabled(
                tenant: try context.requireTenant(), login: login, disabled: disabled, actor: admin.login, database: database)
        } catch {
            guard let (status, errors) = formProblems(error) else { throw error }
            return try await personPage(login, request: request, context: context, errors: errors, status: status)
        }
        await tokens.forgetAll()
        context.logger.info(disabled ? "user disabled" : "user enabled", metadata: ["login": "\(login)"])
        return PageResponse.redirect(to: link(login) + (disabled ? "?done=disabled" : "?done=enabled"))
    }

    /// Sets a temporary password (typed, or generated and shown once); the user must choose a
    /// new one at their next login, and their page sessions end now.
    @Sendable func resetPassword(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await PageForm.checked(request, context: context)
        try context.require(.manageUsers)
        let login = try context.parameters.require("login")
        let labels = renderer.labels(request)
        let (password, generated) = temporaryPassword(form["password"])
        if let weakness = Passwords.weakness(of: password) {
            return try await personPage(login, request: request, context: context, errors: ["password: \(weakness)"], status: .unprocessableContent)
        }
        try await SessionQueries.setPasswordHash(
            tenant: try context.requireTenant(), login: login, hash: try await Passwords.hashOffThread(password), mustChange: true,
            database: database)
        context.logger.info("password reset", metadata: ["login": "\(login)"])
        let secret = generated ? Secret(title: labels["people_temporary_password"] ?? "", value: password) : nil
        return try await personPage(login, request: request, context: context, notice: labels["people_done_password"], secret: secret)
    }

    /// A new token for the user, valid `days`; its secret is on this answer only.
    @Sendable func createToken(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await PageForm.checked(request, context: context)
        try context.require(.manageTokens)
        let login = try context.parameters.require("login")
        let labels = renderer.labels(request)
        let label = (form["label"] ?? "").trimmingLineWhitespace
        let created: (id: Int64, token: String)
        do {
            guard let days = Int((form["days"] ?? "").trimmingLineWhitespace) else {
                throw ValidationFailure(path: "days", message: "days must be a whole number from 1 to 3650")
            }
            created = try await IdentityQueries.createToken(
                tenant: try context.requireTenant(), login: login, label: label.isEmpty ? nil : label, days: days, database: database)
        } catch {
            guard let (status, errors) = formProblems(error) else { throw error }
            return try await personPage(login, request: request, context: context, errors: errors, status: status)
        }
        context.logger.info("token created", metadata: ["login": "\(login)", "token_id": "\(created.id)"])
        return try await personPage(
            login, request: request, context: context, notice: labels["people_token_created"],
            secret: Secret(title: labels["people_token_secret"] ?? "", value: created.token), status: .created)
    }

    @Sendable func revokeToken(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try await PageForm.checked(request, context: context)
        try context.require(.manageTokens)
        let login = try context.parameters.require("login")
        guard let id = Int64(try context.parameters.require("id")) else { throw StoreError.notFound("token") }
        try await PeopleQueries.revokeToken(tenant: try context.requireTenant(), login: login, id: id, database: database)
        await tokens.forgetAll()
        context.logger.info("token revoked", metadata: ["login": "\(login)", "token_id": "\(id)"])
        return PageResponse.redirect(to: link(login) + "?done=revoked")
    }

    // MARK: - Helpers

    private func personPage(
        _ login: String, request: Request, context: AppRequestContext, notice: String? = nil, secret: Secret? = nil, errors: [String] = [],
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let tenant = try context.requireTenant()
        let labels = renderer.labels(request)
        let user = try await PeopleQueries.get(tenant: tenant, login: login, database: database)
        let tokens = try await PeopleQueries.tokens(tenant: tenant, login: login, database: database)
        let now = Date()
        let view = PersonView(
            login: user.login, link: link(user.login), name: user.displayName, roles: roleOptions(user.role, labels: labels),
            region: user.regionPath ?? "", outlet: user.outletCode ?? "", employee: user.employeeNo ?? "", agency: user.agencyCode ?? "",
            disabled: user.disabled,
            hasPassword: user.hasPassword, mustChange: user.mustChangePassword, isSelf: user.login == context.principal?.login,
            tokens: tokens.map { token in
                Token(
                    id: token.id, label: token.label ?? "", created: Instant.format(token.createdAt, in: tenant.timeZone),
                    expires: Instant.format(token.expiresAt, in: tenant.timeZone),
                    revoked: token.revokedAt.map { Instant.format($0, in: tenant.timeZone) },
                    lastUsed: token.lastUsedAt.map { Instant.format($0, in: tenant.timeZone) } ?? "—",
                    live: token.revokedAt == nil && token.expiresAt > now)
            },
            notice: notice, secret: secret, errors: errors)
        return renderer.page("person", title: "people_person", content: view, request: request, context: context, status: status)
    }

    private func roleOptions(_ selected: Role?, labels: [String: String]) -> [Option] {
        Role.allCases.map { Option(value: $0.rawValue, label: labels["role_\($0.rawValue)"] ?? $0.rawValue, selected: $0 == selected) }
    }

    private func link(_ login: String) -> String { "/people/\(PageLinks.encode(login))" }

    /// The password typed in `field`, or a generated one (then `generated` is true).
    private func temporaryPassword(_ field: String?) -> (password: String, generated: Bool) {
        if let typed = field, !typed.isEmpty { return (typed, false) }
        return (Passwords.temporary(), true)
    }

    /// The status and `field: message` lines a form shows again for a bad input; nil for other errors.
    private func formProblems(_ error: any Error) -> (HTTPResponse.Status, [String])? {
        PageForm.problems(error)
    }
}
