import Foundation
import Logging
import ServiceLifecycle
import Testing
import TouchstoneCore
import TouchstoneServer
import TouchstoneStore
import TouchstoneTestSupport

/// Webhook delivery against a local receiver (events.md): retries until a 2xx, each event once
/// per success and in order per subject, signatures that verify, nothing from a rolled-back
/// change, redelivery after a receiver died, parking after the retry window (a controlled
/// clock: no test waits for hours), and one slow receiver not holding up another.
@Suite struct WebhookDispatcherTests {
    let logger = Logger(label: "touchstone.test")

    /// A clock the test moves; the service's polls come every few milliseconds.
    final class TestClock: DispatchClock, @unchecked Sendable {
        private let lock = NSLock()
        private var current: Date

        init(_ start: Date = Date()) { current = start }

        func now() -> Date { lock.withLock { current } }

        func advance(_ seconds: TimeInterval) { lock.withLock { current = current.addingTimeInterval(seconds) } }

        func sleepUntilNextPoll() async throws { try await Task.sleep(for: .milliseconds(20)) }
    }

    struct Setup {
        let database: Database
        let tenant: Tenant
        let clock: TestClock
        let dispatcher: WebhookDispatcher
    }

    func setup(timeout: Duration = .seconds(5)) async throws -> Setup {
        let (database, tenant) = try await TestDatabase.make()
        let clock = TestClock()
        let dispatcher = WebhookDispatcher(
            database: database, clock: clock, configuration: .init(allowInsecure: true, timeout: timeout), logger: logger)
        return Setup(database: database, tenant: tenant, clock: clock, dispatcher: dispatcher)
    }

    func register(_ s: Setup, _ receiver: WebhookReceiver) async throws -> (Webhook, String) {
        try await WebhookQueries.add(
            tenant: s.tenant, url: receiver.url, eventTypes: [], createdBy: "test", allowInsecure: true, database: s.database)
    }

    /// Emits one event per subject given, in order, in one committed transaction each.
    @discardableResult
    func emit(_ s: Setup, subjects: [String]) async throws -> [UUID] {
        var ids: [UUID] = []
        for subject in subjects {
            let at = s.clock.now()
            ids.append(
                try await s.database.tenantTransaction(s.tenant) { conn in
                    try OutboxQueries.emit(.periodClosed(period: subject, resultsHash: nil, by: "test", at: at), on: conn)
                })
        }
        return ids
    }

    func deliveries(_ s: Setup, _ event: UUID) async throws -> [WebhookDelivery] {
        try await WebhookQueries.deliveries(tenant: s.tenant, event: event, database: s.database)
    }

    @Test func aReceiverFailingThreeTimesGetsEachEventOncePerSuccessInOrderPerSubject() async throws {
        let s = try await setup()
        let receiver = WebhookReceiver(script: [.status(500), .status(503), .status(502)], otherwise: .status(204))
        try await receiver.start()
        defer { receiver.kill() }
        let (_, secret) = try await register(s, receiver)
        let a = try await emit(s, subjects: ["A", "A", "A"])
        let b = try await emit(s, subjects: ["B"])

        // t0: the first of A and B fail; +10 s: A fails again, B is delivered; +20 s more:
        // A's first is delivered, then its second and third, in order.
        try await s.dispatcher.deliverDue()
        #expect(receiver.requests.map(\.eventID) == [a[0], b[0]].map { $0.uuidString.lowercased() })
        s.clock.advance(10)
        try await s.dispatcher.deliverDue()
        s.clock.advance(20)
        try await s.dispatcher.deliverDue()
        try await s.dispatcher.deliverDue()  // nothing is left

        let requests = receiver.requests
        let succeeded = requests.filter { $0.status == 204 }.map(\.eventID)
        #expect(requests.count == 7)
        #expect(requests.filter { $0.status != 204 }.count == 3)
        #expect(succeeded.sorted() == (a + b).map { $0.uuidString.lowercased() }.sorted())
        #expect(succeeded.filter { a.map { $0.uuidString.lowercased() }.contains($0) } == a.map { $0.uuidString.lowercased() })
        // No event of A was sent before the one before it succeeded.
        for (i, id) in a.enumerated().dropFirst() {
            let firstTry = requests.firstIndex { $0.eventID == id.uuidString.lowercased() }!
            let earlierDone = requests.firstIndex { $0.eventID == a[i - 1].uuidString.lowercased() && $0.status == 204 }!
            #expect(earlierDone < firstTry)
        }
        #expect(try await deliveries(s, a[0]).map(\.attempts) == [3])
        #expect(try await deliveries(s, b[0]).map(\.attempts) == [2])
        for id in a + b { #expect(try await deliveries(s, id).map(\.state) == ["delivered"]) }

        // Every request is signed as events.md says, and carries the event it names.
        for request in requests {
            let timestamp = try #require(Int(request.headers["touchstone-timestamp"] ?? ""))
            let signature = try #require(request.headers["touchstone-signature"])
            #expect(WebhookSignature.verify(header: signature, body: request.body, timestamp: timestamp, secret: secret))
            #expect(!WebhookSignature.verify(header: signature, body: request.body + " ", timestamp: timestamp, secret: secret))
            #expect(!WebhookSignature.verify(header: signature, body: request.body, timestamp: timestamp, secret: secret + "x"))
            #expect(request.headers["touchstone-event-type"] == "period.closed")
            #expect(request.headers["content-type"] == "application/json")
            let body = try JSONSerialization.jsonObject(with: Data(request.body.utf8)) as! [String: Any]
            #expect(body["id"] as? String == request.eventID)
            #expect(body["tenant"] as? String == s.tenant.code)
            #expect(body["type"] as? String == "period.closed")
        }
        // The signature is HMAC-SHA256 over "<timestamp>.<body>" (the value Python's hmac module computes).
        #expect(
            WebhookSignature.sign(body: "{}", timestamp: 1, secret: "whsec_test")
                == "v1=7500d5d4be4b3ef07af1fe56f7d522d135cdaa7530de557e67cc1049c52de094")
    }

    @Test func aReceiverKilledMidDeliveryGetsTheEventAgainAfterRestart() async throws {
        let s = try await setup()
        let receiver = WebhookReceiver(script: [.die], otherwise: .status(200))
        try await receiver.start()
        defer { receiver.kill() }
        _ = try await register(s, receiver)
        let (event) = try await emit(s, subjects: ["audit-1"])[0]

        try await s.dispatcher.deliverDue()
        #expect(receiver.requests.map(\.eventID) == [event.uuidString.lowercased()])
        let failed = try await deliveries(s, event)
        #expect(failed.map(\.state) == ["pending"])
        #expect(failed.first?.attempts == 1)
        #expect(failed.first?.lastStatus == nil && failed.first?.lastError?.isEmpty == false)

        // Still down at the next attempt: another failure, not a loss.
        s.clock.advance(10)
        try await s.dispatcher.deliverDue()
        #expect(try await deliveries(s, event).first?.attempts == 2)

        try await receiver.start()  // the same port again
        s.clock.advance(20)
        try await s.dispatcher.deliverDue()
        let requests = receiver.requests
        #expect(requests.map(\.eventID) == [event, event].map { $0.uuidString.lowercased() })
        #expect(requests.last?.status == 200)
        #expect(try await deliveries(s, event).map(\.state) == ["delivered"])
    }

    @Test func aRolledBackChangeDeliversNothing() async throws {
        struct Refused: Error {}
        let s = try await setup()
        let receiver = WebhookReceiver()
        try await receiver.start()
        defer { receiver.kill() }
        _ = try await register(s, receiver)
        let at = s.clock.now()
        await #expect(throws: Refused.self) {
            try await s.database.tenantTransaction(s.tenant) { conn in
                try OutboxQueries.emit(.periodClosed(period: "2026-05", resultsHash: nil, by: "t", at: at), on: conn)
                throw Refused()
            }
        }
        // A real change refused half-way: closing a period that never ran.
        await #expect(throws: StoreError.self) {
            try await PeriodQueries.close(tenant: s.tenant, period: try Period.parse("2026-05"), actor: "t", database: s.database)
        }
        s.clock.advance(60)
        try await s.dispatcher.deliverDue()
        try await Task.sleep(for: .milliseconds(100))
        #expect(receiver.requests.isEmpty)
        #expect(try await OutboxQueries.events(tenant: s.tenant, database: s.database).isEmpty)
    }

    @Test func aDeliveryIsParkedAfterADayAndCanBeRedelivered() async throws {
        let s = try await setup()
        let receiver = WebhookReceiver(otherwise: .status(500))
        try await receiver.start()
        defer { receiver.kill() }
        let (hook, _) = try await register(s, receiver)
        let event = try await emit(s, subjects: ["X"])[0]
        try await s.dispatcher.deliverDue()
        s.clock.advance(12 * 3600)
        try await s.dispatcher.deliverDue()
        #expect(try await deliveries(s, event).map(\.state) == ["pending"])
        s.clock.advance(12 * 3600 + 60)
        try await s.dispatcher.deliverDue()
        let parked = try await deliveries(s, event)
        #expect(parked.map(\.state) == ["parked"])
        #expect(parked.first?.attempts == 3 && parked.first?.lastStatus == 500)
        #expect(try await WebhookQueries.troubled(tenant: s.tenant, database: s.database).map(\.event) == [event])
        #expect(try await WebhookQueries.list(tenant: s.tenant, database: s.database).map(\.parked) == [1])
        s.clock.advance(3600)
        try await s.dispatcher.deliverDue()
        #expect(receiver.requests.count == 3)  // parked: not tried again

        receiver.answer([], otherwise: .status(200))
        #expect(
            try await WebhookQueries.redeliver(tenant: s.tenant, webhook: hook.id.uuidString, event: nil, now: s.clock.now(), database: s.database)
                == 1)
        try await s.dispatcher.deliverDue()
        #expect(receiver.requests.count == 4)
        #expect(try await deliveries(s, event).map(\.state) == ["delivered"])
        #expect(try await WebhookQueries.troubled(tenant: s.tenant, database: s.database).isEmpty)
    }

    @Test func aSlowReceiverDoesNotHoldUpAnotherAndTimesOut() async throws {
        // The slow receiver answers after 90 s and the dispatcher gives up after 45 s: a dispatcher that
        // delivered one webhook after another would keep the fast receiver waiting at least 45 s. (With
        // 20 s and the fast receiver's 18 s, the whole suite's load on two cores once made it miss.)
        let s = try await setup(timeout: .seconds(45))
        let slow = WebhookReceiver(otherwise: .slow(200, seconds: 90))
        let fast = WebhookReceiver()
        try await slow.start()
        try await fast.start()
        defer {
            slow.kill()
            fast.kill()
        }
        let (slowHook, _) = try await register(s, slow)
        _ = try await register(s, fast)
        var configuration = ServiceGroupConfiguration(services: [.init(service: s.dispatcher)], logger: logger)
        configuration.maximumGracefulShutdownDuration = .seconds(10)
        let group = ServiceGroup(configuration: configuration)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let events = try await emit(s, subjects: ["S1", "S2"])
            let started = Date()
            try await fast.waitFor(2, seconds: 40)
            #expect(fast.requests.map(\.eventID) == events.map { $0.uuidString.lowercased() })
            #expect(Date().timeIntervalSince(started) < 40)  // before the slow one's 45 s time-out
            // The slow receiver's request times out after 45 s: a failure, tried again later.
            var failed: [WebhookDelivery] = []
            for _ in 0..<5000 {
                failed = try await WebhookQueries.troubled(tenant: s.tenant, webhook: slowHook.id, database: s.database)
                if !failed.isEmpty { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(failed.first?.state == "pending")
            #expect(failed.first?.attempts == 1)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }
}
