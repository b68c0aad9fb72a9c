public import Hummingbird

extension APIProblem {
    /// 400 `bad_request`: the request cannot be understood (malformed JSON, bad query parameter).
    /// - Parameters:
    ///   - message: What is wrong.
    ///   - details: Per-field details.
    public static func badRequest(_ message: String, details: [ProblemDetail] = []) -> Self {
        .init(status: .badRequest, code: "bad_request", message: message, details: details)
    }

    /// 401 `unauthorized`: no or invalid credentials.
    /// - Parameter message: What is wrong.
    public static func unauthorized(_ message: String = "Authentication required.") -> Self {
        .init(status: .unauthorized, code: "unauthorized", message: message, headers: [.wwwAuthenticate: "Bearer"])
    }

    /// 403 `forbidden`: authenticated, but the role or scope does not allow this.
    /// - Parameter message: What is not allowed.
    public static func forbidden(_ message: String = "Not allowed.") -> Self {
        .init(status: .forbidden, code: "forbidden", message: message)
    }

    /// 404 `not_found`. Also used for resources outside the caller's tenant or scope.
    /// - Parameter message: What was not found.
    public static func notFound(_ message: String = "Not found.") -> Self {
        .init(status: .notFound, code: "not_found", message: message)
    }

    /// 409 `conflict`: the request clashes with the current state (duplicate key, wrong state).
    /// - Parameters:
    ///   - message: What clashes.
    ///   - details: Per-field details.
    public static func conflict(_ message: String, details: [ProblemDetail] = []) -> Self {
        .init(status: .conflict, code: "conflict", message: message, details: details)
    }

    /// 409 `period_closed`: the period is closed and its data can no longer change.
    /// - Parameter period: The closed period, e.g. `2025-03`.
    public static func periodClosed(_ period: String) -> Self {
        .init(status: .conflict, code: "period_closed", message: "Period \(period) is closed.")
    }

    /// 413 `payload_too_large`: the request body exceeds the route's limit.
    /// - Parameter limit: The limit in bytes.
    public static func payloadTooLarge(limit: Int) -> Self {
        .init(status: .contentTooLarge, code: "payload_too_large", message: "Request body exceeds \(limit) bytes.")
    }

    /// 422 `validation_failed`: the input is well-formed but invalid; `details` lists every problem.
    /// - Parameters:
    ///   - details: Every problem found, in document order.
    ///   - message: Summary.
    public static func validationFailed(_ details: [ProblemDetail], message: String = "Validation failed.") -> Self {
        .init(status: .unprocessableContent, code: "validation_failed", message: message, details: details)
    }

    /// 503 `unavailable` with `Retry-After`: a dependency (the database) is down; retrying is safe.
    /// - Parameters:
    ///   - message: What is unavailable, without internal details.
    ///   - retryAfterSeconds: Value of `Retry-After`.
    public static func unavailable(_ message: String = "Service temporarily unavailable.", retryAfterSeconds: Int = 1) -> Self {
        .init(status: .serviceUnavailable, code: "unavailable", message: message, headers: [.retryAfter: "\(retryAfterSeconds)"])
    }

    /// 500 `internal_error` with a generic message. The cause is logged, never sent.
    public static var internalError: Self {
        .init(status: .internalServerError, code: "internal_error", message: "Internal server error.")
    }

    /// The stable code used for a bare HTTP status (Hummingbird `HTTPError`s and other `HTTPResponseError`s).
    /// - Parameter status: HTTP status.
    /// - Returns: `not_found` for 404, `validation_failed` for 422, `http_<code>` for unlisted statuses, …
    public static func code(for status: HTTPResponse.Status) -> String {
        switch status.code {
        case 400: "bad_request"
        case 401: "unauthorized"
        case 403: "forbidden"
        case 404: "not_found"
        case 405: "method_not_allowed"
        case 406: "not_acceptable"
        case 408: "request_timeout"
        case 409: "conflict"
        case 410: "gone"
        case 411: "length_required"
        case 412: "precondition_failed"
        case 413: "payload_too_large"
        case 415: "unsupported_media_type"
        case 422: "validation_failed"
        case 428: "precondition_required"
        case 429: "too_many_requests"
        case 500: "internal_error"
        case 501: "not_implemented"
        case 503: "unavailable"
        case 504: "timeout"
        default: "http_\(status.code)"
        }
    }
}
