import Foundation
public import Hummingbird

extension APIProblem {
    /// The JSON body: `{"error": {"code", "message", "details", "requestId"}}`.
    private struct Envelope: Encodable {
        struct Body: Encodable {
            let code: String
            let message: String
            let details: [ProblemDetail]
            let requestId: String?
        }

        let error: Body
    }

    /// Renders the problem as an `application/json` response.
    ///
    /// A 503 always carries `Retry-After` (1 second unless the problem set its own).
    /// - Parameter requestID: Request id to include as `requestId`, if known.
    /// - Returns: The response.
    public func response(requestID: String?) -> Response {
        let envelope = Envelope(
            error: .init(code: self.code, message: self.message, details: self.details, requestId: requestID)
        )
        let bytes: Data
        do {
            bytes = try JSONEncoder().encode(envelope)
        } catch {
            // Encoding strings cannot fail; keep a valid body regardless.
            bytes = Data(#"{"error":{"code":"internal_error","message":"Internal server error.","details":[]}}"#.utf8)
        }
        var headers = self.headers
        headers[.contentType] = "application/json"
        if self.status == .serviceUnavailable, headers[.retryAfter] == nil {
            headers[.retryAfter] = "1"
        }
        return Response(status: self.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

extension APIProblem: HTTPResponseError {
    /// Renders the problem when it escapes ``ProblemMiddleware`` (e.g. thrown by middleware added
    /// before it); the body has the same shape, with the request id when the context has one.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        self.response(requestID: (context as? AppRequestContext)?.requestID)
    }
}
