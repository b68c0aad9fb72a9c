public import Hummingbird
public import Prometheus

/// A connection pool whose occupancy is exported as `db_pool_connections{state=…}`.
public protocol PoolStatisticsSource: Sendable {
    /// Current occupancy: connections leased, connections idle, callers waiting for one, and the maximum.
    var poolStatistics: (inUse: Int, idle: Int, waiting: Int, max: Int) { get }
}

/// Serves `GET /metrics` in the Prometheus text exposition format.
///
/// Every scrape refreshes ``ProcessMetrics`` (`touchstone_build_info`, `process_*`). When a pool is given, `db_pool_connections{state="in_use|idle|waiting|max"}` is refreshed from
/// it at each scrape.
public struct MetricsController: Sendable {
    let registry: PrometheusCollectorRegistry
    let pool: (any PoolStatisticsSource)?
    let poolGauges: (inUse: Gauge, idle: Gauge, waiting: Gauge, max: Gauge)?
    let process: ProcessMetrics

    /// Creates the controller.
    /// - Parameters:
    ///   - registry: Registry to expose; usually ``MetricsBootstrap/registry``.
    ///   - pool: Pool whose statistics are exported at scrape time, if any.
    public init(registry: PrometheusCollectorRegistry, pool: (any PoolStatisticsSource)? = nil) {
        self.registry = registry
        self.pool = pool
        self.process = ProcessMetrics(registry: registry)
        if pool != nil {
            let descriptor = MetricNameDescriptor(
                metricName: "db_pool",
                unitName: "connections",
                helpText: "Database pool connections by state."
            )
            func gauge(_ state: String) -> Gauge { registry.makeGauge(descriptor: descriptor, labels: [("state", state)]) }
            self.poolGauges = (gauge("in_use"), gauge("idle"), gauge("waiting"), gauge("max"))
        } else {
            self.poolGauges = nil
        }
    }

    /// Registers `GET /metrics` (relative to the router or group it is added to).
    /// - Parameter router: Router or group to add the route to.
    public func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.get("metrics") { _, _ in self.scrape() }
    }

    /// Refreshes the process metrics and pool gauges and renders the registry.
    /// - Returns: A `200` with `text/plain; version=0.0.4`.
    public func scrape() -> Response {
        self.process.refresh()
        if let pool = self.pool, let gauges = self.poolGauges {
            let stats = pool.poolStatistics
            gauges.inUse.set(to: Double(stats.inUse))
            gauges.idle.set(to: Double(stats.idle))
            gauges.waiting.set(to: Double(stats.waiting))
            gauges.max.set(to: Double(stats.max))
        }
        let bytes = self.registry.emitToBuffer()
        return Response(
            status: .ok,
            headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes))
        )
    }
}
