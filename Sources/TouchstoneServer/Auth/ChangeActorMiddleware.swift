import Hummingbird
import TouchstoneCore
import TouchstoneStore

/// Binds the authenticated principal's login as the ``ChangeActor`` of the request, so every
/// change the request makes is logged as theirs. Install it after the authentication middleware.
struct ChangeActorMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        try await ChangeActor.$current.withValue(try context.requirePrincipal().login) {
            try await next(request, context)
        }
    }
}
