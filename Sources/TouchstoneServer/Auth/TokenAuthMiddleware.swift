import Foundation
import Hummingbird
import Logging
import TouchstoneCore
import TouchstoneStore

/// Authenticates `Authorization: Bearer <token>` and puts the caller and its tenant in the
/// context; anything else is a 401. Tokens never reach logs or error bodies.
struct TokenAuthMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let cache: PrincipalCache

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else {
            throw APIProblem.unauthorized("Send an API token: Authorization: Bearer <token>.")
        }
        let token = String(header.dropFirst("Bearer ".count)).trimmingCharacters(in: .whitespaces)
        guard !token.isEmpty, token.count < 200, let (principal, tenant) = try await cache.resolve(token) else {
            throw APIProblem.unauthorized("The API token is unknown, expired or revoked.")
        }
        var context = context
        context.principal = principal
        context.tenant = tenant
        context.logger[metadataKey: "tenant"] = .string(tenant.code)
        context.logger[metadataKey: "user"] = .string(principal.login)
        return try await next(request, context)
    }
}
