public import Hummingbird
public import Prometheus

/// Records `http_requests_total` and `http_request_duration_seconds` for every request.
///
/// Labels are `method`, `route` and `status`, all bounded: `route` is the route template
/// (`/audits/{id}`) or `NotFound` for unmatched paths, never the raw path; unusual methods are
/// folded into `OTHER`. Duration is measured until the handler returns its response.
///
/// Install it inside ``RequestIDMiddleware`` and outside ``ProblemMiddleware`` so error responses
/// are counted with their final status.
public struct HTTPMetricsMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext

    /// Histogram buckets for request durations: 1 ms to 10 s.
    public static let durationBuckets: [Duration] = [
        .milliseconds(1), .microseconds(2500), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .microseconds(2_500_000), .seconds(5), .seconds(10),
    ]

    let registry: PrometheusCollectorRegistry

    /// Creates the middleware.
    /// - Parameter registry: Registry the metrics are created in; usually ``MetricsBootstrap/registry``.
    public init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
    }

    /// Times the rest of the chain and records the outcome.
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            self.record(request.method, context, status: response.status.code, elapsed: ContinuousClock.now - start)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            self.record(request.method, context, status: status, elapsed: ContinuousClock.now - start)
            throw error
        }
    }

    private func record(_ method: HTTPRequest.Method, _ context: Context, status: Int, elapsed: Duration) {
        let labels = [
            ("method", Self.methodLabel(method)),
            ("route", context.endpointPath ?? "NotFound"),
            ("status", String(status)),
        ]
        self.registry.makeCounter(descriptor: Self.requestsDescriptor, labels: labels).increment()
        self.registry.makeDurationHistogram(descriptor: Self.durationDescriptor, labels: labels, buckets: Self.durationBuckets)
            .record(elapsed)
    }

    static func methodLabel(_ method: HTTPRequest.Method) -> String {
        switch method {
        case .get, .head, .post, .put, .patch, .delete, .options: method.rawValue
        default: "OTHER"
        }
    }

    static var requestsDescriptor: MetricNameDescriptor {
        MetricNameDescriptor(metricName: "http_requests", unitName: "total", helpText: "HTTP requests by method, route template and status.")
    }

    static var durationDescriptor: MetricNameDescriptor {
        MetricNameDescriptor(
            metricName: "http_request_duration",
            unitName: "seconds",
            helpText: "HTTP request duration by method, route template and status."
        )
    }
}
