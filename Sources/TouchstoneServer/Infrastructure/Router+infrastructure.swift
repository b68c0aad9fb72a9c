public import Hummingbird
public import Prometheus

/// Installs the infrastructure middleware and routes on a fresh router.
///
/// Call it **before** registering any API route: Hummingbird applies middleware only to routes
/// added after it. Middleware, outermost first:
/// 1. ``RequestIDMiddleware``: id in context, logger and `X-Request-ID`;
/// 2. ``HTTPMetricsMiddleware``: `http_requests_total`, `http_request_duration_seconds`;
/// 3. ``AccessLogMiddleware``: one line per request;
/// 4. ``ProblemMiddleware``: errors to JSON problems;
/// 5. ``BodyLimitMiddleware``: 413 over ``ServerConfiguration/bodyLimit``.
///
/// Routes: `GET /health/live`, `GET /health/ready` (``HealthController``) and `GET /metrics`
/// (``MetricsController``). Authentication middleware, added afterwards by the caller, therefore
/// does not cover them.
/// - Parameters:
///   - router: The router to set up.
///   - configuration: Body limits.
///   - readiness: Readiness check (database answers, migrations current).
///   - drain: Drain flag shared with ``makeServerApplication(router:configuration:services:drain:logger:)``.
///   - registry: Prometheus registry (default: ``MetricsBootstrap/registry``, which bootstraps swift-metrics once).
///   - pool: Pool exported as `db_pool_connections`, if any.
public func addInfrastructure(
    to router: Router<AppRequestContext>,
    configuration: ServerConfiguration,
    readiness: @escaping @Sendable () async -> ReadinessReport,
    drain: DrainState,
    registry: PrometheusCollectorRegistry = MetricsBootstrap.registry,
    pool: (any PoolStatisticsSource)? = nil
) {
    router.add(middleware: RequestIDMiddleware())
    router.add(middleware: HTTPMetricsMiddleware(registry: registry))
    router.add(middleware: AccessLogMiddleware())
    router.add(middleware: ProblemMiddleware())
    router.add(middleware: BodyLimitMiddleware(limit: configuration.bodyLimit))
    HealthController(readiness: readiness, drain: drain).addRoutes(to: router)
    MetricsController(registry: registry, pool: pool).addRoutes(to: router)
}
