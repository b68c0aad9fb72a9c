import Foundation
import HTTPTypes
import Hummingbird
import Logging
import TouchstoneCore
import TouchstoneStore

/// `/login` (tenant code, login, password → a page session), `/logout`, and `/language/{lang}`
/// (remembers the choice in a cookie). Passwords and session ids are never logged. The form
/// carries a CSRF token (``LoginCSRF``); failures are limited per account, per client address and
/// overall (``LoginThrottle``); `next` only ever leads to a local path (``LocalRedirect``).
struct LoginPage {
    let database: Database
    let renderer: PageRenderer
    let cookies: PageCookies
    let throttle: LoginThrottle
    /// Whether the client address is the last `X-Forwarded-For` entry (a trusted proxy in front).
    let trustForwardedFor: Bool

    struct LoginView: Sendable {
        let tenant: String
        let login: String
        let next: String
        let csrf: String
        let failed: Bool
        let throttled: Bool
        let busy: Bool
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
        let csrf = cookies.loginCSRF(in: request) ?? LoginCSRF.newToken()
        var response = renderer.page(
            "login", title: "login_title",
            content: LoginView(tenant: "", login: "", next: next, csrf: csrf, failed: false, throttled: false, busy: false),
            request: request, context: context)
        response.setCookie(cookies.loginCSRF(csrf))
        return response
    }

    @Sendable func login(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await PageForm.read(request)
        guard let csrf = cookies.loginCSRF(in: request), let presented = form["csrf"], PageForm.constantTimeEqual(presented, csrf) else {
            context.logger.info("page login without its CSRF token")
            throw APIProblem.forbidden("The login form is stale or forged; reload the page and try again.")
        }
        let tenantCode = form["tenant"] ?? ""
        let login = form["login"] ?? ""
        let password = form["password"] ?? ""
        let next = PageLinks.localTarget(form["next"])
        let address = clientAddress(request, context: context)
        func page(status: HTTPResponse.Status, failed: Bool = false, refusal: LoginThrottle.Refusal? = nil) -> Response {
            let view = LoginView(
                tenant: tenantCode, login: login, next: next, csrf: csrf, failed: failed,
                throttled: refusal.map { if case .account = $0 { true } else { false } } ?? false,
                busy: refusal.map { if case .busy = $0 { true } else { false } } ?? false)
            var response = renderer.page("login", title: "login_title", content: view, request: request, context: context, status: status)
            if let refusal { response.headers[.retryAfter] = String(refusal.retryAfter) }
            return response
        }
        if let refusal = await throttle.refusal(tenant: tenantCode, login: login, address: address) {
            context.logger.warning(
                "page login throttled",
                metadata: [
                    "tenant": "\(tenantCode)", "user": "\(login)", "client": "\(address ?? "unknown")", "retry_after_s": "\(refusal.retryAfter)",
                ])
            return page(status: .tooManyRequests, refusal: refusal)
        }
        let session: String?
        do {
            session = try await startSession(tenantCode: tenantCode, login: login, password: password)
        } catch is ConcurrencyLimit.Full {
            context.logger.warning("page login refused: too many password checks at once")
            return page(status: .serviceUnavailable, refusal: .busy(retryAfter: 1))
        }
        if let session {
            await throttle.recordSuccess(tenant: tenantCode, login: login)
            context.logger.info("page login", metadata: ["tenant": "\(tenantCode)", "user": "\(login)"])
            var response = PageResponse.redirect(to: next)
            response.setCookie(cookies.session(session))
            return response
        }
        await throttle.recordFailure(tenant: tenantCode, login: login, address: address)
        context.logger.info("page login refused", metadata: ["tenant": "\(tenantCode)", "user": "\(login)", "client": "\(address ?? "unknown")"])
        return page(status: .unauthorized, failed: true)
    }

    /// The client's address: the last `X-Forwarded-For` entry when a trusted proxy adds it, else the peer's.
    private func clientAddress(_ request: Request, context: AppRequestContext) -> String? {
        if trustForwardedFor, let forwarded = request.headers[.xForwardedFor],
            let last = forwarded.split(separator: ",").last?.trimmingCharacters(in: .whitespaces), !last.isEmpty
        {
            return last
        }
        return context.remoteAddress
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
        if let session = cookies.sessionID(in: request) {
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

extension HTTPField.Name {
    /// `X-Forwarded-For`: the client addresses a proxy saw.
    static var xForwardedFor: Self { Self("X-Forwarded-For")! }
}
