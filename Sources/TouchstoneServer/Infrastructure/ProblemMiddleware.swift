public import Hummingbird
import Logging
import TouchstoneStore

/// Turns every error thrown further down the chain into a JSON problem response.
///
/// - ``ProblemConvertible`` errors (including ``APIProblem``) are answered with their problem.
/// - Hummingbird `HTTPError`s keep their status and headers; the code comes from the status
///   (``APIProblem/code(for:)``) and the message from the error's message (4xx only).
/// - Other `HTTPResponseError`s (such as the 413 thrown when a body exceeds `collect(upTo:)`) keep their status.
/// - Anything else becomes a 500 `internal_error` with a generic message; the full
///   `String(reflecting: error)` is logged at `.error` with the request id.
///
/// Server-side problems (5xx) are logged; client problems (4xx) only at `.debug`. Database
/// errors never reach the body: the store logs their details on the request's logger
/// (``StoreErrorLog``, bound here) and answers with a generic message.
public struct ProblemMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext

    /// Creates the middleware.
    public init() {}

    /// Runs the rest of the chain and converts a thrown error into a problem response.
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await StoreErrorLog.$logger.withValue(context.logger) {
                try await next(request, context)
            }
        } catch {
            return Self.problem(for: error, context: context).response(requestID: context.requestID)
        }
    }

    /// Maps an error to the problem it is answered with, logging it as described on the type.
    /// - Parameters:
    ///   - error: The thrown error.
    ///   - context: The request context (for the logger and body limit).
    /// - Returns: The problem to render.
    public static func problem(for error: any Error, context: Context) -> APIProblem {
        let logger = context.logger
        let problem: APIProblem
        switch error {
        case let convertible as any ProblemConvertible:
            problem = convertible.problem
            if problem.status.code >= 500 {
                let level: Logger.Level = problem.status == .serviceUnavailable ? .warning : .error
                logger.log(level: level, "request failed", metadata: Self.metadata(problem, error))
            } else {
                logger.debug("request rejected", metadata: Self.metadata(problem, error))
            }
            return problem
        case let httpError as HTTPError:
            problem = APIProblem(
                status: httpError.status,
                code: APIProblem.code(for: httpError.status),
                message: Self.message(httpError.status, httpError.body, context: context),
                headers: httpError.headers
            )
        case let responseError as any HTTPResponseError:
            problem = APIProblem(
                status: responseError.status,
                code: APIProblem.code(for: responseError.status),
                message: Self.message(responseError.status, nil, context: context)
            )
        default:
            logger.error("unhandled error", metadata: ["error": "\(String(reflecting: error))"])
            return .internalError
        }
        if problem.status.code >= 500 {
            logger.error("request failed", metadata: Self.metadata(problem, error))
        } else {
            logger.debug("request rejected", metadata: Self.metadata(problem, error))
        }
        return problem
    }

    private static func message(_ status: HTTPResponse.Status, _ body: String?, context: Context) -> String {
        if status == .contentTooLarge {
            return "Request body exceeds \(context.maxBodySize) bytes."
        }
        if status.code < 500, let body, !body.isEmpty {
            return body
        }
        return status.reasonPhrase.isEmpty ? "HTTP \(status.code)" : "\(status.reasonPhrase)."
    }

    private static func metadata(_ problem: APIProblem, _ error: any Error) -> Logger.Metadata {
        [
            "problem.code": .string(problem.code),
            "http.response.status_code": .stringConvertible(problem.status.code),
            "error": .string(String(reflecting: error)),
        ]
    }
}
