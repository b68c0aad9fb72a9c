public import Hummingbird

/// Enforces ``BodyLimit`` with a 413 `payload_too_large` problem.
///
/// - A declared `Content-Length` over the route's limit is refused before the body is read.
/// - A chunked body is wrapped so that reading past the limit throws the same problem.
/// - The limit is stored in ``AppRequestContext/maxBodySize``, which `request.decode(as:context:)`
///   honours; handlers that collect the body themselves should use
///   `request.collectBody(upTo: context.maxBodySize)` (an overrun throws a 413 `HTTPResponseError`
///   that ``ProblemMiddleware`` renders).
///
/// Install it inside ``ProblemMiddleware``.
public struct BodyLimitMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext

    let limit: BodyLimit

    /// Creates the middleware.
    /// - Parameter limit: The limits to enforce.
    public init(limit: BodyLimit) {
        self.limit = limit
    }

    /// Checks the declared length, bounds the body, and records the limit in the context.
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let maxSize = self.limit.maxSize(forRoute: context.endpointPath)
        var context = context
        context.maxBodySize = maxSize
        var request = request
        if let declared = request.headers[.contentLength] {
            guard let length = Int(declared), length >= 0 else {
                throw APIProblem.badRequest("Invalid Content-Length.")
            }
            if length > maxSize {
                throw APIProblem.payloadTooLarge(limit: maxSize)
            }
        } else if request.headers[.transferEncoding] != nil {
            request.body = RequestBody(asyncSequence: LimitedBody(base: request.body, limit: maxSize))
        }
        return try await next(request, context)
    }
}

/// A request body that throws ``APIProblem/payloadTooLarge(limit:)`` once more than `limit` bytes were read.
struct LimitedBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer

    let base: RequestBody
    let limit: Int

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: RequestBody.AsyncIterator
        let limit: Int
        var total = 0

        mutating func next() async throws -> ByteBuffer? {
            guard let buffer = try await self.base.next() else { return nil }
            self.total += buffer.readableBytes
            if self.total > self.limit {
                throw APIProblem.payloadTooLarge(limit: self.limit)
            }
            return buffer
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: self.base.makeAsyncIterator(), limit: self.limit)
    }
}
