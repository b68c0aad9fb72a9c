public import Hummingbird

/// One entry of a problem's `details`: which input value is wrong and why.
public struct ProblemDetail: Sendable, Hashable, Codable {
    /// Path of the offending value (`sections[1].items[0].points`, `line 12, column outlet`); empty for the whole input.
    public var path: String
    /// Human-readable explanation.
    public var message: String

    /// Creates a detail.
    /// - Parameters:
    ///   - path: Path of the offending value.
    ///   - message: Human-readable explanation.
    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }
}

/// An error that knows the HTTP problem it should be answered with.
///
/// Conform domain and store errors to this in the server module (not in the libraries) so that
/// ``ProblemMiddleware`` can render them:
/// ```swift
/// extension ValidationFailure: ProblemConvertible {
///     public var problem: APIProblem {
///         .validationFailed(problems.map { ProblemDetail(path: $0.path, message: $0.message) })
///     }
/// }
/// ```
public protocol ProblemConvertible: Error {
    /// The problem this error is answered with.
    var problem: APIProblem { get }
}

/// An API error answered as `{"error": {"code", "message", "details", "requestId"}}`.
///
/// `code` is a stable machine-readable string clients may switch on (`validation_failed`,
/// `not_found`, `conflict`, `period_closed`, `unavailable`, …); `message` is for people and may change.
/// Throw it from handlers directly or return it from ``ProblemConvertible/problem``.
///
/// Named `APIProblem` (not `Problem`) because `TouchstoneCore.Problem` is a validation entry,
/// which maps onto ``ProblemDetail``.
public struct APIProblem: Error, Sendable, Encodable {
    /// HTTP status of the response.
    public var status: HTTPResponse.Status
    /// Stable machine-readable code.
    public var code: String
    /// Human-readable message. Never include internal details (SQL, stack, file paths).
    public var message: String
    /// Per-field details; empty when the problem is about the request as a whole.
    public var details: [ProblemDetail]
    /// Extra response headers, e.g. `Retry-After` or `Allow`. Not part of the JSON body.
    public var headers: HTTPFields

    /// Creates a problem.
    /// - Parameters:
    ///   - status: HTTP status of the response.
    ///   - code: Stable machine-readable code.
    ///   - message: Human-readable message.
    ///   - details: Per-field details.
    ///   - headers: Extra response headers.
    public init(
        status: HTTPResponse.Status,
        code: String,
        message: String,
        details: [ProblemDetail] = [],
        headers: HTTPFields = [:]
    ) {
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.headers = headers
    }

    private enum CodingKeys: String, CodingKey {
        case code, message, details
    }

    /// Encodes `code`, `message` and `details`; the status and headers travel in the HTTP response.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.code, forKey: .code)
        try container.encode(self.message, forKey: .message)
        try container.encode(self.details, forKey: .details)
    }
}

extension APIProblem: ProblemConvertible {
    /// A problem is its own problem.
    public var problem: APIProblem { self }
}

extension APIProblem: CustomStringConvertible {
    /// `422 validation_failed: message (n details)`, for logs.
    public var description: String {
        let suffix = self.details.isEmpty ? "" : " (\(self.details.count) details)"
        return "\(self.status.code) \(self.code): \(self.message)\(suffix)"
    }
}
