import Foundation
import HTTPTypes
import Hummingbird
import Logging
import TouchstoneCore
import TouchstoneStore

/// Authenticates `Authorization: Bearer <token>` and puts the caller and its tenant in the
/// context; anything else is a 401. Tokens never reach logs or error bodies.
///
/// With `sessions`, a request without `Authorization` may instead carry a live page session
/// cookie together with that session's CSRF token in ``csrfHeader`` (the field form's
/// JavaScript does; docs/security.md): an HTML form cannot set a header, and another site's
/// script cannot read the token nor send the header cross-origin without a CORS preflight,
/// which the daemon never grants.
struct TokenAuthMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    /// The header that carries the page session's CSRF token on session-authenticated API calls.
    static let csrfHeader = HTTPField.Name("X-CSRF-Token")!

    let cache: PrincipalCache
    var sessions: (database: Database, cookies: PageCookies)? = nil

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if request.headers[.authorization] == nil, let sessions, let csrf = request.headers[Self.csrfHeader] {
            guard let session = sessions.cookies.sessionID(in: request), PageForm.constantTimeEqual(PageSession.csrfToken(for: session), csrf),
                let live = try await SessionQueries.live(session: session, database: sessions.database)
            else { throw APIProblem.unauthorized("The page session is over or the CSRF token does not match it; log in again.") }
            guard !live.mustChangePassword else { throw APIProblem.forbidden("Set a new password first.") }
            context.principal = live.principal
            context.tenant = live.tenant
        } else {
            guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else {
                throw APIProblem.unauthorized("Send an API token: Authorization: Bearer <token>.")
            }
            let token = String(header.dropFirst("Bearer ".count)).trimmingCharacters(in: .whitespaces)
            guard !token.isEmpty, token.count < 200, let (principal, tenant) = try await cache.resolve(token) else {
                throw APIProblem.unauthorized("The API token is unknown, expired or revoked.")
            }
            context.principal = principal
            context.tenant = tenant
        }
        context.logger[metadataKey: "tenant"] = .string(context.tenant?.code ?? "")
        context.logger[metadataKey: "user"] = .string(context.principal?.login ?? "")
        return try await next(request, context)
    }
}
