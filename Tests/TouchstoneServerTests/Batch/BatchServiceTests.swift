import Foundation
import Logging
import PQ
import ServiceLifecycle
import Testing
import TouchstoneCore
import TouchstoneServer
import TouchstoneStore
import TouchstoneTestSupport

/// The batch service owns every batch run: the schedule's (once across daemons) and the batch
/// page's (a shutdown waits for them, or cancels them cleanly when the drain time runs out).
@Suite struct BatchServiceTests {
    let logger = Logger(label: "touchstone.test")

    /// A clock stopped at `fixed` that wakes the scheduler every few milliseconds.
    struct StoppedClock: BatchClock {
        let fixed: Date
        func now() -> Date { fixed }
        func sleepUntilNextWakeUp() async throws { try await Task.sleep(for: .milliseconds(20)) }
    }

    /// A runner whose after-KPI step sleeps on the server for `seconds` (inside the run's transaction).
    static func slowRunner(seconds: Double) -> BatchRunner {
        BatchRunner(afterKPIs: [
            { conn, _ in
                _ = try conn.execute("SELECT pg_sleep(\(seconds))")
                return 0
            }
        ])
    }

    /// Runs `group` while `body` works with it, then waits for it to end.
    func running(_ group: ServiceGroup, _ body: () async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try? await group.run() }
            try await body()
            try await tasks.waitForAll()
        }
    }

    func group(_ services: [any Service], shutdownAfter limit: Duration? = nil) -> ServiceGroup {
        var configuration = ServiceGroupConfiguration(services: services.map { .init(service: $0) }, logger: logger)
        configuration.maximumGracefulShutdownDuration = limit
        return ServiceGroup(configuration: configuration)
    }

    /// Polls the tenant's jobs until `done` holds for them (at most about 10 s).
    func waitForJobs(_ tenant: Tenant, _ database: Database, until done: ([BatchJob]) -> Bool) async throws -> [BatchJob] {
        for _ in 0..<500 {
            let jobs = try await BatchJobQueries.list(tenant: tenant, database: database)
            if done(jobs) { return jobs }
            try await Task.sleep(for: .milliseconds(20))
        }
        return try await BatchJobQueries.list(tenant: tenant, database: database)
    }

    @Test func twoDaemonsStartADueBatchExactlyOnce() async throws {
        let (first, tenant) = try await TestDatabase.make()
        try await BatchScheduleQueries.set(tenant: tenant, schedule: .standard, database: first)
        let second = Database(pool: TestDatabase.pool(first.pool.configuration, maxConnections: 4), logger: logger)
        // Forty days on: the latest run time is after the schedule was set, so a run is due.
        let clock = StoppedClock(fixed: Date().addingTimeInterval(40 * 86_400))
        let due = try #require(BatchSchedule.standard.dueSlot(at: clock.fixed, in: tenant.timeZone, since: Date()))
        // A visit whose window ends in five days: the scheduled run, forty days on, leaves it to the
        // sweeps (SweepServiceTests), which are not running here.
        _ = try await importCSV(.outlets, file: TestApp.sample("outlets.csv"), tenant: tenant, database: first)
        _ = try await TemplateQueries.add(tenant: tenant, json: try Data(contentsOf: TestApp.sample("template-demo-visit.json")), database: first)
        let today = CivilDate(Date(), in: tenant.timeZone)
        _ = try await VisitQueries.create(
            tenant: tenant,
            visit: NewVisit(
                id: "ENDS", outlet: "O1", template: "demo-visit", templateVersion: 1, windowFrom: today.description,
                windowTo: today.adding(days: 5).description),
            database: first)
        let daemons = [first, second].map { database in
            BatchService(
                queue: BatchQueue(), scheduler: BatchScheduler(database: database, clock: clock, logger: logger),
                runner: BatchRunner(), database: database, logger: logger)
        }
        let groups = daemons.map { group([$0]) }
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            for group in groups { tasks.addTask { try? await group.run() } }
            _ = try await waitForJobs(tenant, first) { $0.contains { $0.state == .succeeded } }
            try await Task.sleep(for: .milliseconds(200))  // both keep waking meanwhile
            for group in groups { await group.triggerGracefulShutdown() }
            try await tasks.waitForAll()
        }
        let jobs = try await BatchJobQueries.list(tenant: tenant, database: first)
        #expect(jobs.count == 1)
        #expect(jobs.first?.startedBy == BatchScheduler.startedBy && jobs.first?.state == .succeeded)
        #expect(jobs.first?.period == due.period.description)
        #expect(try await VisitQueries.get(tenant: tenant, visitID: "ENDS", database: first).state == .planned)
        await second.pool.close()
    }

    @Test func shutdownWaitsForAPageStartedRun() async throws {
        let (database, tenant) = try await TestDatabase.make()
        let queue = BatchQueue()
        let service = BatchService(queue: queue, scheduler: nil, runner: Self.slowRunner(seconds: 0.5), database: database, logger: logger)
        let group = group([service])
        let outcome = Outcome()
        try await running(group) {
            let order = BatchOrder(
                tenant: tenant, period: try Period.parse("2026-09"), asOf: Date(), startedBy: "admin",
                finished: { await outcome.record($0) })
            #expect(queue.submit(order))
            _ = try await waitForJobs(tenant, database) { $0.first?.state == .running }
            await group.triggerGracefulShutdown()
        }
        #expect(await outcome.state == .succeeded)
        #expect(try await BatchJobQueries.list(tenant: tenant, database: database).map(\.state) == [.succeeded])
        #expect(!queue.submit(BatchOrder(tenant: tenant, period: try Period.parse("2026-09"), asOf: Date(), startedBy: "admin")))
    }

    /// The batch page's "recompute everything": an order with `full` runs the full batch where a
    /// rerun would otherwise be incremental.
    @Test func anOrderRunsFullWhenAsked() async throws {
        let (database, tenant) = try await TestDatabase.make()
        let queue = BatchQueue()
        let service = BatchService(queue: queue, scheduler: nil, runner: BatchRunner(), database: database, logger: logger)
        let group = group([service])
        try await running(group) {
            for (count, full) in [(1, false), (2, false), (3, true)] {
                #expect(queue.submit(BatchOrder(tenant: tenant, period: try Period.parse("2026-09"), asOf: Date(), startedBy: "admin", full: full)))
                _ = try await waitForJobs(tenant, database) { $0.filter { $0.state == .succeeded }.count == count }
            }
            await group.triggerGracefulShutdown()
        }
        // Newest first: the full order, the incremental rerun, the period's first (full) run.
        let jobs = try await BatchJobQueries.list(tenant: tenant, database: database)
        #expect(jobs.map { $0.inputs?.recomputed == nil } == [true, false, true])
    }

    @Test func aRunPastTheDrainTimeIsCancelledCleanly() async throws {
        let (database, tenant) = try await TestDatabase.make()
        let queue = BatchQueue()
        let service = BatchService(queue: queue, scheduler: nil, runner: Self.slowRunner(seconds: 60), database: database, logger: logger)
        let group = group([service], shutdownAfter: .milliseconds(300))
        let outcome = Outcome()
        let shutdown = Moment()
        try await running(group) {
            #expect(
                queue.submit(
                    BatchOrder(
                        tenant: tenant, period: try Period.parse("2026-09"), asOf: Date(), startedBy: "admin",
                        finished: { await outcome.record($0) })))
            _ = try await waitForJobs(tenant, database) { $0.first?.state == .running }
            await shutdown.mark()
            await group.triggerGracefulShutdown()
        }
        // Well before the step's 60 s, with room for a loaded machine: the run was cancelled, not waited for.
        #expect(await shutdown.elapsed < .seconds(40))
        #expect(await outcome.state == .failed)
        let job = try #require(try await BatchJobQueries.list(tenant: tenant, database: database).first)
        #expect(job.state == .failed && job.error?.contains("cancelled") == true)
        let results = try await database.tenantTransaction(tenant, readOnly: true) { conn in
            try conn.queryFirst("SELECT count(*) FROM kpi_results")!.decode(0, as: Int.self)
        }
        #expect(results == 0)
    }
}

/// When something happened, to measure from.
actor Moment {
    private var at = ContinuousClock.now
    func mark() { at = .now }
    var elapsed: Duration { ContinuousClock.now - at }
}

/// What a run's `finished` reported.
actor Outcome {
    private(set) var state: BatchJob.State?

    func record(_ result: Result<BatchJob, any Error>) {
        switch result {
        case .success(let job): state = job.state
        case .failure: state = .failed
        }
    }
}
