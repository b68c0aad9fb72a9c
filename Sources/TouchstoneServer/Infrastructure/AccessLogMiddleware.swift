public import Hummingbird
public import Logging

/// Writes one structured log line per request: method, route template, status, duration and request id.
///
/// The route is the template (`/audits/{id}`), never the raw path, and neither headers (so no
/// `Authorization`) nor bodies are logged. Routes under `quietRoutePrefixes` (health probes,
/// scrapes) are logged at `.debug` instead of `level`.
///
/// Install it inside ``RequestIDMiddleware`` (for `request_id`) and outside ``ProblemMiddleware``
/// (so the status of error responses is known).
public struct AccessLogMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext

    let level: Logger.Level
    let quietRoutePrefixes: [String]

    /// Creates the middleware.
    /// - Parameters:
    ///   - level: Level of the access line.
    ///   - quietRoutePrefixes: Route-template prefixes logged at `.debug` only.
    public init(level: Logger.Level = .info, quietRoutePrefixes: [String] = ["/health", "/metrics"]) {
        self.level = level
        self.quietRoutePrefixes = quietRoutePrefixes
    }

    /// Times the rest of the chain and logs the outcome.
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            self.log(request, context, status: response.status.code, start: start)
            return response
        } catch {
            // Only reached when no ProblemMiddleware sits inside; Hummingbird answers 500 or the error's status.
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            self.log(request, context, status: status, start: start)
            throw error
        }
    }

    private func log(_ request: Request, _ context: Context, status: Int, start: ContinuousClock.Instant) {
        let route = context.endpointPath ?? "NotFound"
        let level = self.quietRoutePrefixes.contains { route.hasPrefix($0) } ? .debug : self.level
        let elapsed = ContinuousClock.now - start
        let milliseconds = Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) / 1e15
        context.logger.log(
            level: level,
            "request",
            metadata: [
                "http.method": .string(request.method.rawValue),
                "http.route": .string(route),
                "http.status": .stringConvertible(status),
                "duration_ms": .string(String(format3: milliseconds)),
                "request_id": .string(context.requestID),
            ]
        )
    }
}

extension String {
    /// A decimal with at most three fractional digits, without Foundation formatting.
    init(format3 value: Double) {
        let thousandths = Int((value * 1000).rounded())
        let whole = thousandths / 1000
        let fraction = thousandths % 1000
        let padded = String(fraction)
        self = "\(whole).\(String(repeating: "0", count: 3 - padded.count))\(padded)"
    }
}
