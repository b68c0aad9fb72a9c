import Hummingbird
import Logging
import TouchstoneCore
import TouchstoneStore

/// Authenticates page requests by their session cookie and puts the caller, its tenant and
/// the session's CSRF token in the context. Without a live session a GET is redirected to
/// the login page (remembering where it was going); anything else is a 401. A user whose
/// password an admin reset reaches only the change-password page (``PasswordPage``) until they
/// set a new one: other GETs are sent there, other posts refused.
struct SessionAuthMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let database: Database
    let cookies: PageCookies

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let session = cookies.sessionID(in: request),
            let live = try await SessionQueries.live(session: session, database: database)
        else {
            guard request.method == .get else { throw APIProblem.unauthorized("Log in first.") }
            return PageResponse.redirect(to: "/login?next=" + PageLinks.encode(request.uri.description))
        }
        let (principal, tenant) = (live.principal, live.tenant)
        if live.mustChangePassword && request.uri.path != PasswordPage.path {
            guard request.method == .get else { throw APIProblem.forbidden("Set a new password first.") }
            return PageResponse.redirect(to: PasswordPage.path)
        }
        var context = context
        context.principal = principal
        context.tenant = tenant
        context.csrfToken = PageSession.csrfToken(for: session)
        context.logger[metadataKey: "tenant"] = .string(tenant.code)
        context.logger[metadataKey: "user"] = .string(principal.login)
        return try await next(request, context)
    }
}
