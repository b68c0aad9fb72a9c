public import HTTPTypes
public import Hummingbird
import Logging

extension HTTPField.Name {
    /// `X-Request-ID`: correlates a request across client, proxy and server logs.
    public static var requestID: Self { Self("X-Request-ID")! }
}

/// Assigns every request an id, echoes it in `X-Request-ID` and adds `request_id` to the logger.
///
/// A client-supplied `X-Request-ID` is kept when it is sane (1–128 characters of
/// `A-Z a-z 0-9 - _ . : /`); otherwise, or when absent, a fresh id is generated.
/// Install it first (outermost) so every other middleware and every problem body sees the id.
public struct RequestIDMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext

    /// Creates the middleware.
    public init() {}

    /// Sets the id in the context and logger, then echoes it on the response.
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let supplied = request.headers[.requestID], Self.isSane(supplied) {
            context.requestID = supplied
        }
        context.logger[metadataKey: "request_id"] = .string(context.requestID)
        var response = try await next(request, context)
        response.headers[.requestID] = context.requestID
        return response
    }

    /// Whether a client-supplied id can be used as is (bounded length, no spaces or control characters).
    /// - Parameter id: The header value.
    /// - Returns: `true` when the value is 1–128 characters of `A-Z a-z 0-9 - _ . : /`.
    public static func isSane(_ id: String) -> Bool {
        let utf8 = id.utf8
        guard (1...128).contains(utf8.count) else { return false }
        return utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                true
            case UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: ":"), UInt8(ascii: "/"):
                true
            default:
                false
            }
        }
    }
}
