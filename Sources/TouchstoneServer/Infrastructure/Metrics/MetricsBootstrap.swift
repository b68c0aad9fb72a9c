import Metrics
public import Prometheus

/// The process-wide Prometheus registry, bootstrapped into swift-metrics exactly once.
///
/// `MetricsSystem.bootstrap` may be called only once per process; going through this type makes
/// bootstrapping idempotent, thread-safe and safe to repeat from tests. Metrics recorded through
/// swift-metrics (`Counter(label:)`, `Timer(label:)`, by any library) land in ``registry`` and are
/// served by ``MetricsController``.
///
/// Do not call `MetricsSystem.bootstrap` anywhere else in the process.
public enum MetricsBootstrap {
    /// The shared registry. The first access bootstraps `MetricsSystem` with a `PrometheusMetricsFactory` over it.
    public static var registry: PrometheusCollectorRegistry { bootstrapped }

    private static let bootstrapped: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()

    /// Bootstraps `MetricsSystem` if that has not happened yet; later calls do nothing.
    /// - Returns: The shared registry.
    @discardableResult
    public static func bootstrap() -> PrometheusCollectorRegistry {
        bootstrapped
    }
}
