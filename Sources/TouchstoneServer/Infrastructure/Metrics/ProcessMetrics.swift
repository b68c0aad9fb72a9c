import Foundation
public import Prometheus

/// `touchstone_build_info` and the standard process metrics of Prometheus' client libraries,
/// refreshed from ``ProcessStatistics`` at each scrape:
/// `process_resident_memory_bytes`, `process_cpu_seconds_total`, `process_open_fds`,
/// `process_start_time_seconds`.
public final class ProcessMetrics: Sendable {
    let residentMemory: Gauge
    let cpuSeconds: Counter
    let openFileDescriptors: Gauge
    let startTime: Gauge

    /// Registers the metrics in `registry` (idempotent: the registry returns existing ones).
    /// - Parameter registry: The registry served at `/metrics`.
    public init(registry: PrometheusCollectorRegistry) {
        let buildInfo = registry.makeGauge(
            descriptor: MetricNameDescriptor(
                metricName: "touchstone_build_info", unitName: "", helpText: "Touchstone version and Swift compiler; always 1."),
            labels: [("version", BuildInfo.version), ("swift", BuildInfo.swiftVersion)])
        buildInfo.set(to: 1)
        self.residentMemory = registry.makeGauge(
            descriptor: MetricNameDescriptor(metricName: "process_resident_memory_bytes", unitName: "", helpText: "Resident memory size in bytes."))
        self.cpuSeconds = registry.makeCounter(
            descriptor: MetricNameDescriptor(
                metricName: "process_cpu_seconds_total", unitName: "", helpText: "Total user and system CPU time spent in seconds."))
        self.openFileDescriptors = registry.makeGauge(
            descriptor: MetricNameDescriptor(metricName: "process_open_fds", unitName: "", helpText: "Number of open file descriptors."))
        self.startTime = registry.makeGauge(
            descriptor: MetricNameDescriptor(
                metricName: "process_start_time_seconds", unitName: "", helpText: "Start time of the process since unix epoch in seconds."))
    }

    /// Reads `/proc` and updates the metrics (nothing changes where `/proc` is missing).
    public func refresh() {
        guard let statistics = ProcessStatistics.read() else { return }
        self.residentMemory.set(to: statistics.residentMemoryBytes)
        self.openFileDescriptors.set(to: statistics.openFileDescriptors)
        self.startTime.set(to: statistics.startTimeSeconds)
        let delta = CPUSecondsLedger.shared.advance(ObjectIdentifier(self.cpuSeconds), to: statistics.cpuSeconds)
        if delta > 0 { self.cpuSeconds.increment(by: delta) }
    }
}

/// CPU seconds already added to each `process_cpu_seconds_total` counter: a Prometheus counter
/// only goes up by increments, and several ``ProcessMetrics`` may share one registry's counter.
final class CPUSecondsLedger: @unchecked Sendable {
    static let shared = CPUSecondsLedger()

    // Invariant: `reported` is only touched while holding `lock`.
    private let lock = NSLock()
    private var reported: [ObjectIdentifier: Double] = [:]

    /// Records `total` for `counter` and returns how much to add to it (never negative).
    func advance(_ counter: ObjectIdentifier, to total: Double) -> Double {
        self.lock.withLock {
            let delta = max(total - self.reported[counter, default: 0], 0)
            self.reported[counter, default: 0] += delta
            return delta
        }
    }
}
