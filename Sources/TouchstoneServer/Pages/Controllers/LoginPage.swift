import Hummingbird
import Logging
import TouchstoneCore
import TouchstoneStore

/// `/login` (tenant code, login, password → a page session), `/logout`, and `/language/{lang}`
/// (remembers the choice in a cookie). Passwords and session ids are never logged; repeated
/// failures lock the account's logins for a while (``LoginThrottle``).
struct LoginPage {
    let database: Database
    let renderer: PageRenderer
    let cookies: PageCookies
    let throttle = LoginThrottle()

    struct LoginView: Sendable {
        let tenant: String
        let login: String
        let next: String
        let failed: Bool
        let throttled: Bool
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("/") { _, _ in PageResponse.redirect(to: "/overview") }
        group.get("login", use: form)
        group.post("login", use: login)
        group.post("logout", use: logout)
        group.get("language/:lang", use: language)
    }

    @Sendable func form(_ request: Request, context: AppRequestContext) async throws -> Response {
        let next = PageLinks.localTarget(request.uri.queryParameters["next"].map(String.init))
        return renderer.page("login", title: "login_title", content: LoginView(tenant: "", login: "", next: next, failed: false, throttled: false),
                             request: request, context: context)
    }

    @Sendable func login(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await PageForm.read(request)
        let tenantCode = form["tenant"] ?? "", login = form["login"] ?? "", password = form["password"] ?? ""
        let next = PageLinks.localTarget(form["next"])
        if let wait = await throttle.retryAfter(tenant: tenantCode, login: login) {
            context.logger.warning("page login throttled", metadata: ["tenant": "\(tenantCode)", "user": "\(login)", "retry_after_s": "\(wait)"])
            var response = renderer.page(
                "login", title: "login_title", content: LoginView(tenant: tenantCode, login: login, next: next, failed: false, throttled: true),
                request: request, context: context, status: .tooManyRequests)
            response.headers[.retryAfter] = String(wait)
            return response
        }
        if let session = try await startSession(tenantCode: tenantCode, login: login, password: password) {
            await throttle.recordSuccess(tenant: tenantCode, login: login)
            context.logger.info("page login", metadata: ["tenant": "\(tenantCode)", "user": "\(login)"])
            var response = PageResponse.redirect(to: next)
            response.setCookie(cookies.session(session))
            return response
        }
        await throttle.recordFailure(tenant: tenantCode, login: login)
        context.logger.info("page login refused", metadata: ["tenant": "\(tenantCode)", "user": "\(login)"])
        return renderer.page(
            "login", title: "login_title", content: LoginView(tenant: tenantCode, login: login, next: next, failed: true, throttled: false),
            request: request, context: context, status: .unauthorized)
    }

    /// A new session id when the password matches an enabled user of the tenant; nil otherwise
    /// (unknown tenants and logins cost a decoy bcrypt check, so timing does not tell them apart).
    private func startSession(tenantCode: String, login: String, password: String) async throws -> String? {
        let tenant: Tenant?
        do {
            tenant = try await TenantQueries.find(code: tenantCode, on: database)
        } catch StoreError.notFound {
            tenant = nil
        }
        var stored: (userID: Int64, hash: String)?
        if let tenant {
            stored = try await SessionQueries.passwordHash(tenant: tenant, login: login, database: database)
        }
        guard try await Passwords.verify(password, hash: stored?.hash), let tenant, let stored else { return nil }
        return try await SessionQueries.start(tenant: tenant, userID: stored.userID, database: database)
    }

    @Sendable func logout(_ request: Request, context: AppRequestContext) async throws -> Response {
        if let session = PageSession.id(in: request) {
            var context = context
            context.csrfToken = PageSession.csrfToken(for: session)
            _ = try await PageForm.checked(request, context: context)
            try await SessionQueries.end(session: session, database: database)
        }
        var response = PageResponse.redirect(to: "/login")
        response.setCookie(cookies.expiredSession)
        return response
    }

    @Sendable func language(_ request: Request, context: AppRequestContext) async throws -> Response {
        let language = Language(rawValue: try context.parameters.require("lang")) ?? .en
        var response = PageResponse.redirect(to: PageLinks.localTarget(request.uri.queryParameters["next"].map(String.init)))
        response.setCookie(cookies.language(language))
        return response
    }
}
