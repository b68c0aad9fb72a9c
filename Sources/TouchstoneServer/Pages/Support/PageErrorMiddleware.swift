import Hummingbird

/// Answers page errors as HTML: a 401 goes to the login page, anything else renders the
/// error page with the problem's status, message and headers (the same mapping as the API's problems).
struct PageErrorMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let renderer: PageRenderer

    struct ErrorView: Sendable {
        let status: Int
        let message: String
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let problem = ProblemMiddleware.problem(for: error, context: context)
            if problem.status == .unauthorized {
                return PageResponse.redirect(to: "/login")
            }
            var response = renderer.page(
                "error", title: "error_title", content: ErrorView(status: Int(problem.status.code), message: problem.message),
                request: request, context: context, status: problem.status)
            // The problem's own headers, such as a 503's Retry-After while no database primary answers.
            for field in problem.headers { response.headers[field.name] = field.value }
            return response
        }
    }
}
