import Crypto
import Hummingbird
import Logging

/// Answers 429 `too_many_requests` with `Retry-After` when a credential uploads faster than
/// its ``UploadRateLimit``. Only the upload routes count (``routes``: method and route
/// template); the credential is the SHA-256 of the `Authorization` header, so limits are per
/// token and raw tokens are never kept. Install it after authentication.
struct UploadRateLimitMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let limiter: UploadRateLimiter
    /// `POST /api/v1/audits`, … : the limited routes, as method and route template.
    let routes: Set<String>

    init(limit: UploadRateLimit, routes: Set<String>) {
        self.limiter = UploadRateLimiter(limit: limit)
        self.routes = routes
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard routes.contains("\(request.method) \(context.endpointPath ?? "")"),
            let credential = request.headers[.authorization]
        else {
            return try await next(request, context)
        }
        if let retryAfter = await limiter.take(SHA256.hash(data: Array(credential.utf8))) {
            context.logger.notice(
                "upload rate limit exceeded",
                metadata: ["route": .string(context.endpointPath ?? ""), "retry_after": .stringConvertible(retryAfter)])
            throw APIProblem(
                status: .tooManyRequests, code: "too_many_requests",
                message: "Too many uploads with this credential; retry after \(retryAfter) s.",
                headers: [.retryAfter: String(retryAfter)])
        }
        return try await next(request, context)
    }
}
