import Hummingbird
import Logging
import TouchstoneCore
import TouchstoneStore

/// Authenticates page requests by their session cookie and puts the caller, its tenant and
/// the session's CSRF token in the context. Without a live session a GET is redirected to
/// the login page (remembering where it was going); anything else is a 401.
struct SessionAuthMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let database: Database
    let cookies: PageCookies

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let session = cookies.sessionID(in: request),
              let (principal, tenant) = try await SessionQueries.principal(forSession: session, database: database) else {
            guard request.method == .get else { throw APIProblem.unauthorized("Log in first.") }
            return PageResponse.redirect(to: "/login?next=" + PageLinks.encode(request.uri.description))
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
