import Foundation
import Logging
import PQ
import Prometheus
import ServiceLifecycle
import Testing
import TouchstoneCore
import TouchstoneServer
import TouchstoneStore
import TouchstoneTestSupport

/// The time-driven sweeps (visits expire, overdue actions are announced, complaint cases
/// escalate) as the daemon's own service, on a clock the tests set.
@Suite struct SweepServiceTests {
    let logger = Logger(label: "touchstone.test")

    /// 2026-10-10 08:00 in Shanghai: the visit's window ends today, the action is due at +17 h, the
    /// high complaint (24 h) is opened now and escalates at +18 h (75 %).
    static let t0 = Date(timeIntervalSince1970: 1_791_590_400)
    static func at(hours: Double) -> Date { t0.addingTimeInterval(hours * 3600) }

    /// A clock the test sets. A wake-up tells the test that the round before it ended, then waits
    /// until the task is cancelled: the service sweeps once and then sleeps as long as the test runs.
    final class SteppedClock: BatchClock, @unchecked Sendable {
        // Invariant: `instant` is only read or written while holding `lock`.
        private let lock = NSLock()
        private var instant: Date
        let rounds: AsyncStream<Void>
        private let roundEnded: AsyncStream<Void>.Continuation

        init(_ instant: Date) {
            self.instant = instant
            (rounds, roundEnded) = AsyncStream.makeStream()
        }

        func now() -> Date { lock.withLock { instant } }
        func set(_ date: Date) { lock.withLock { instant = date } }

        func sleepUntilNextWakeUp() async throws {
            roundEnded.yield()
            try await Task.sleep(for: .seconds(86_400))
        }
    }

    /// A tenant with outlets, the demo template, visit V1 (window to 2026-10-10), a manual action
    /// due at +17 h and complaint case CC1 (high) opened at t0; the action's id.
    static func seed(_ tenant: Tenant, _ database: Database) async throws -> Int64 {
        _ = try await importCSV(.outlets, file: TestApp.sample("outlets.csv"), tenant: tenant, database: database)
        _ = try await TemplateQueries.add(tenant: tenant, json: try Data(contentsOf: TestApp.sample("template-demo-visit.json")), database: database)
        _ = try await VisitQueries.create(
            tenant: tenant,
            visit: NewVisit(id: "V1", outlet: "O1", template: "demo-visit", templateVersion: 1, windowFrom: "2026-10-01", windowTo: "2026-10-10"),
            database: database)
        _ = try await ComplaintCaseQueries.create(
            tenant: tenant, id: "CC1", outlet: "O1", severity: .high, comment: nil, actor: "call-centre", now: t0, database: database)
        return try await ActionQueries.open(
            tenant: tenant, ManualAction(outlet: "O1", title: "Fix the door", dueAt: at(hours: 17)), actor: "admin", now: t0,
            database: database
        ).id
    }

    /// Two tenants, acme and beta, seeded alike; the action ids.
    static func twoTenants() async throws -> (Database, [Tenant], [Int64]) {
        let (database, acme) = try await TestDatabase.make(tenant: "acme")
        let beta = try await TestDatabase.createTenant(code: "beta", in: database)
        var actions: [Int64] = []
        for tenant in [acme, beta] { actions.append(try await seed(tenant, database)) }
        return (database, [acme, beta], actions)
    }

    static func round(visits: Int = 0, actions: Int = 0, complaints: Int = 0, failures: Int = 0) -> SweepService.Round {
        var round = SweepService.Round()
        round.visitsExpired = visits
        round.actionsOverdue = actions
        round.complaintsEscalated = complaints
        round.failures = failures
        return round
    }

    /// The lines of `registry` for the sweeps' counters.
    static func counters(_ registry: PrometheusCollectorRegistry) -> [String] {
        registry.emitToString().split(separator: "\n").filter { $0.hasPrefix("touchstone_sweep_") }.map(String.init).sorted()
    }

    @Test func eachSweepActsAtItsPointAndNotBeforeInEveryTenant() async throws {
        let (database, tenants, actions) = try await Self.twoTenants()
        let clock = SteppedClock(Self.at(hours: 15))
        let registry = PrometheusCollectorRegistry()
        let service = SweepService(database: database, clock: clock, registry: registry, logger: logger)

        // +15 h: 23:00 local on the visit's last day, nothing due.
        #expect(await service.round() == Self.round())
        // +17 h 59 min: the visit's window has ended (00:59 the next day) and the action is overdue;
        // the case is a minute short of its escalation point.
        clock.set(Self.at(hours: 17 + 59.0 / 60))
        #expect(await service.round() == Self.round(visits: 2, actions: 2))
        for tenant in tenants {
            #expect(try await VisitQueries.get(tenant: tenant, visitID: "V1", database: database).state == .expired)
            #expect(try await ComplaintCaseQueries.get(tenant: tenant, id: "CC1", database: database)?.escalatedAt == nil)
        }
        // +18 h: at the escalation point.
        clock.set(Self.at(hours: 18))
        #expect(await service.round() == Self.round(complaints: 2))
        // Once each: a later round changes nothing.
        clock.set(Self.at(hours: 19))
        #expect(await service.round() == Self.round())

        for (tenant, action) in zip(tenants, actions) {
            let escalated = try #require(try await ComplaintCaseQueries.get(tenant: tenant, id: "CC1", database: database))
            #expect(escalated.escalatedAt == Self.at(hours: 18) && escalated.state == .received)
            let log = try await ComplaintCaseQueries.transitions(tenant: tenant, id: "CC1", database: database)
            #expect(log.map(\.actor) == ["call-centre", ComplaintCaseQueries.system])
            let events = try await OutboxQueries.events(tenant: tenant, database: database).reversed()
                .filter { $0.type != "action.opened" }
            #expect(events.map(\.type) == ["action.overdue", "complaint.escalated"])
            #expect(events.map(\.subject) == [String(action), "CC1"])
            #expect(events.map(\.occurredAt) == [Self.at(hours: 17 + 59.0 / 60), Self.at(hours: 18)])
        }
        #expect(
            Self.counters(registry) == [
                "touchstone_sweep_actions_overdue_total 2", "touchstone_sweep_complaints_escalated_total 2",
                #"touchstone_sweep_failures_total{sweep="actions"} 0"#, #"touchstone_sweep_failures_total{sweep="complaints"} 0"#,
                #"touchstone_sweep_failures_total{sweep="tenants"} 0"#, #"touchstone_sweep_failures_total{sweep="visits"} 0"#,
                "touchstone_sweep_rounds_total 4", "touchstone_sweep_visits_expired_total 2",
            ])
    }

    @Test func aFailingTenantDoesNotStopTheOthersAndTheNextRoundTriesAgain() async throws {
        let (database, tenants, _) = try await Self.twoTenants()
        // acme's visits cannot be changed (as if its rows were locked or broken): its expiry fails.
        let acme = tenants[0].id
        _ = try await TestDatabase.asSuperuser(of: database.pool.configuration) { conn in
            _ = try conn.execute(
                """
                CREATE FUNCTION test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$
                """)
            _ = try conn.execute(
                "CREATE TRIGGER test_refuse BEFORE UPDATE ON visits FOR EACH ROW WHEN (NEW.tenant_id = \(unsafeRaw: String(acme))) EXECUTE FUNCTION test_refuse()"
            )
        }
        let clock = SteppedClock(Self.at(hours: 18))
        let registry = PrometheusCollectorRegistry()
        let service = SweepService(database: database, clock: clock, registry: registry, logger: logger)

        // acme's other sweeps and all of beta's still ran.
        #expect(await service.round() == Self.round(visits: 1, actions: 2, complaints: 2, failures: 1))
        #expect(try await VisitQueries.get(tenant: tenants[0], visitID: "V1", database: database).state == .planned)
        #expect(try await VisitQueries.get(tenant: tenants[1], visitID: "V1", database: database).state == .expired)
        #expect(try await ComplaintCaseQueries.get(tenant: tenants[0], id: "CC1", database: database)?.escalatedAt == Self.at(hours: 18))
        #expect(Self.counters(registry).contains(#"touchstone_sweep_failures_total{sweep="visits"} 1"#))

        _ = try await TestDatabase.asSuperuser(of: database.pool.configuration) { conn in
            _ = try conn.execute("DROP TRIGGER test_refuse ON visits")
        }
        clock.set(Self.at(hours: 19))
        #expect(await service.round() == Self.round(visits: 1))
        #expect(try await VisitQueries.get(tenant: tenants[0], visitID: "V1", database: database).state == .expired)
    }

    // The limits catch a service that never stops; they are generous because the fixture (a fresh
    // migrated database) alone takes minutes when the whole suite loads a 2-core machine.
    @Test(.timeLimit(.minutes(10))) func theServiceSweepsAtOnceAndStopsOnCancellation() async throws {
        let (database, tenants, _) = try await Self.twoTenants()
        let clock = SteppedClock(Self.at(hours: 18))
        let service = SweepService(database: database, clock: clock, registry: PrometheusCollectorRegistry(), logger: logger)
        var rounds = clock.rounds.makeAsyncIterator()
        let running = Task { await service.run() }
        _ = await rounds.next()
        for tenant in tenants {
            #expect(try await VisitQueries.get(tenant: tenant, visitID: "V1", database: database).state == .expired)
            #expect(try await ComplaintCaseQueries.get(tenant: tenant, id: "CC1", database: database)?.escalatedAt == Self.at(hours: 18))
        }
        running.cancel()
        await running.value  // returns: the wait for the next wake-up ended with the cancellation
    }

    @Test(.timeLimit(.minutes(10))) func aGracefulShutdownEndsTheService() async throws {
        let (database, tenants, _) = try await Self.twoTenants()
        let clock = SteppedClock(Self.at(hours: 18))
        let service = SweepService(database: database, clock: clock, registry: PrometheusCollectorRegistry(), logger: logger)
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: [.init(service: service)], logger: logger))
        var rounds = clock.rounds.makeAsyncIterator()
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            _ = await rounds.next()
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(try await VisitQueries.get(tenant: tenants[1], visitID: "V1", database: database).state == .expired)
    }
}
