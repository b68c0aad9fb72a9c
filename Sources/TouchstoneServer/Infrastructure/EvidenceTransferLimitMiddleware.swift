import Crypto
import Foundation
import Hummingbird
import Logging

/// Answers 429 `too_many_requests` with `Retry-After` when an evidence transfer would pass
/// ``EvidenceTransferLimit``. The credential is the SHA-256 of the `Authorization` header (or,
/// for pages, the `Cookie` header); a place is held until the response body has been written.
struct EvidenceTransferLimitMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let transfers: EvidenceTransfers
    /// The evidence routes, as method and route template.
    let routes: Set<String>

    init(limit: EvidenceTransferLimit, routes: Set<String>) {
        self.transfers = EvidenceTransfers(limit: limit)
        self.routes = routes
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard routes.contains("\(request.method) \(context.endpointPath ?? "")"),
            let credential = request.headers[.authorization] ?? request.headers[.cookie]
        else {
            return try await next(request, context)
        }
        guard let permit = transfers.acquire(Data(SHA256.hash(data: Array(credential.utf8)))) else {
            context.logger.notice("evidence transfer limit reached", metadata: ["route": .string(context.endpointPath ?? "")])
            throw APIProblem(
                status: .tooManyRequests, code: "too_many_requests",
                message: "Too many evidence transfers in progress; retry after 1 s.", headers: [.retryAfter: "1"])
        }
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            permit.release()
            throw error
        }
        let body = response.body
        response.body = ResponseBody(contentLength: body.contentLength) { writer in
            defer { permit.release() }
            try await body.write(writer)
        }
        return response
    }
}
