import Foundation
public import Logging
public import Prometheus
public import ServiceLifecycle
import TouchstoneCore
public import TouchstoneStore

/// The daemon's time-driven sweeps, as a service of its own: every wake-up of its clock (60 s
/// by default, `serve --sweep-interval`) it visits every tenant and, at the clock's `now`,
/// - expires the open visits whose window ended (``VisitQueries/expire(tenant:today:database:)``,
///   docs/field-operations.md),
/// - announces the corrective actions that became overdue (`action.overdue`, docs/actions.md),
/// - escalates the complaint cases past their escalation point and opens an action for each
///   breached one (``ComplaintCaseQueries/sweep(tenant:now:database:)``, docs/complaints.md).
///
/// Each sweep is idempotent: it changes only rows not yet changed (a visit still open, an action
/// not yet announced, a case not yet escalated, a breach without its action) in one transaction,
/// so every event and action happens once. Several daemons on one database may therefore sweep
/// at the same time without claiming anything: a row one of them changed is no longer a candidate
/// for the others.
///
/// A failing sweep is logged (warning) with its tenant and counted; the tenant's other sweeps and
/// the other tenants go on, and the next round tries again. Changes are logged at info, quiet
/// rounds not at all. On graceful shutdown or cancellation it stops between tenants and sleeps no
/// more (what it left is done by the next round of this or another daemon).
public struct SweepService: Service {
    /// What one round did, over every tenant.
    public struct Round: Sendable, Equatable {
        public var visitsExpired = 0
        public var actionsOverdue = 0
        public var complaintsEscalated = 0
        /// Sweeps (of one tenant) that failed, the tenant list included.
        public var failures = 0

        public init() {}
    }

    /// One of the sweeps: its name (logs, the failure counter's label) and what it does to a tenant.
    struct Sweep: Sendable {
        let name: String
        let changed: String
        let count: any WritableKeyPath<Round, Int> & Sendable
        /// Its counter of changes: `<metric>_total`.
        let metric: String
        let help: String
        let run: @Sendable (Tenant, Date, Database) async throws -> Int
    }

    static let sweeps: [Sweep] = [
        Sweep(
            name: "visits", changed: "sweep: visits expired", count: \.visitsExpired,
            metric: "touchstone_sweep_visits_expired", help: "Visits expired by the sweeps.",
            run: { tenant, now, database in
                try await VisitQueries.expire(tenant: tenant, today: CivilDate(now, in: tenant.timeZone), database: database)
            }),
        Sweep(
            name: "actions", changed: "sweep: actions overdue", count: \.actionsOverdue,
            metric: "touchstone_sweep_actions_overdue", help: "Corrective actions announced overdue by the sweeps.",
            run: { tenant, now, database in try await ActionQueries.announceOverdue(tenant: tenant, at: now, database: database) }),
        Sweep(
            name: "complaints", changed: "sweep: complaints escalated", count: \.complaintsEscalated,
            metric: "touchstone_sweep_complaints_escalated", help: "Complaint cases escalated by the sweeps.",
            run: { tenant, now, database in try await ComplaintCaseQueries.sweep(tenant: tenant, now: now, database: database) }),
    ]

    let database: Database
    let clock: any BatchClock
    let registry: PrometheusCollectorRegistry
    let logger: Logger

    /// - Parameters:
    ///   - clock: when to sweep and what time it is; by default every 60 s, the real time.
    ///   - registry: where the counters go (the one `/metrics` serves by default).
    public init(
        database: Database, clock: any BatchClock = PollingClock(interval: .seconds(60)),
        registry: PrometheusCollectorRegistry = MetricsBootstrap.registry, logger: Logger
    ) {
        self.database = database
        self.clock = clock
        self.registry = registry
        self.logger = logger
        // Every counter from the start, at 0: `increase()` and alerts see the first change.
        _ = rounds
        for sweep in Self.sweeps { _ = (changes(sweep), failures(sweep.name)) }
        _ = failures("tenants")
    }

    /// Sweeps at once, then at every wake-up of the clock, until graceful shutdown or cancellation.
    public func run() async {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            await round()
            do {
                try await cancelWhenGracefulShutdown { try await clock.sleepUntilNextWakeUp() }
            } catch {
                return
            }
        }
    }

    /// One round: every tenant's sweeps at the clock's `now`.
    @discardableResult
    public func round() async -> Round {
        let now = clock.now()
        var round = Round()
        defer { rounds.increment() }
        let tenants: [Tenant]
        do {
            tenants = try await TenantQueries.all(on: database)
        } catch {
            logger.warning("sweep: cannot list the tenants", metadata: ["error": "\(error)"])
            failed("tenants", &round)
            return round
        }
        for tenant in tenants {
            if Task.isShuttingDownGracefully || Task.isCancelled { break }
            for sweep in Self.sweeps {
                do {
                    let count = try await sweep.run(tenant, now, database)
                    guard count > 0 else { continue }
                    round[keyPath: sweep.count] += count
                    changes(sweep).increment(by: Int64(count))
                    logger.info("\(sweep.changed)", metadata: ["tenant": "\(tenant.code)", "count": "\(count)"])
                } catch {
                    if Task.isCancelled { return round }  // stopped mid-statement: not a failure
                    logger.warning("sweep: failed", metadata: ["tenant": "\(tenant.code)", "sweep": "\(sweep.name)", "error": "\(error)"])
                    failed(sweep.name, &round)
                }
            }
        }
        return round
    }

    /// Counts a failure of `sweep` (or of listing the tenants).
    private func failed(_ sweep: String, _ round: inout Round) {
        round.failures += 1
        failures(sweep).increment()
    }

    /// `touchstone_sweep_rounds_total` (the registry returns the same counter each time).
    private var rounds: Counter {
        registry.makeCounter(
            descriptor: MetricNameDescriptor(metricName: "touchstone_sweep_rounds", unitName: "total", helpText: "Rounds of the sweeps."))
    }

    /// What `sweep` changed, `<metric>_total`.
    private func changes(_ sweep: Sweep) -> Counter {
        registry.makeCounter(descriptor: MetricNameDescriptor(metricName: sweep.metric, unitName: "total", helpText: sweep.help))
    }

    /// `touchstone_sweep_failures_total{sweep}`.
    private func failures(_ sweep: String) -> Counter {
        registry.makeCounter(
            descriptor: MetricNameDescriptor(
                metricName: "touchstone_sweep_failures", unitName: "total",
                helpText: "Failed sweeps of a tenant (or listings of the tenants), by sweep."),
            labels: [("sweep", sweep)])
    }
}
