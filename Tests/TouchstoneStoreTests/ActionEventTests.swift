import Foundation
import Testing
import TouchstoneCore
import TouchstoneStore
import TouchstoneTestSupport

/// The events of corrective actions on the outbox: opened and verified in the transaction of the
/// change, overdue once per action by the scheduler's sweep.
@Suite("Corrective actions: events")
struct ActionEventTests {
    static func actionEvents(_ f: AuditFixture) async throws -> [(type: String, body: [String: Any])] {
        try await OutboxQueries.events(tenant: f.tenant, database: f.database).reversed()
            .filter { $0.type.hasPrefix("action.") }
            .map { ($0.type, try OutboxTests.object($0.body)) }
    }

    @Test func openedVerifiedAndOverdueAreEmittedOnceEach() async throws {
        let f = try await AuditFixture.make()
        try await ActionTests.addActionTemplate(f)
        let first = try AuditFixture.document(
            template: "act-visit", visitedAt: "2026-09-10T10:00:00+08:00", answers: ActionTests.answers(a1: "no", s2: "no"), attachments: [])
        _ = try await f.submit(first)
        _ = try await f.submit(first)  // a replay opens nothing and emits nothing
        var events = try await Self.actionEvents(f)
        #expect(events.map(\.type) == ["action.opened", "action.opened"])
        let opened = try await ActionTests.all(f)
        #expect(events.map { $0.body["action"] as? Int } == opened.map { Int($0.id) })
        #expect(events.map { $0.body["subject"] as? String } == opened.map { String($0.id) })
        #expect(events[1].body["outlet"] as? String == "O1")
        #expect(events[1].body["source"] as? String == "audit")
        #expect(events[1].body["severity"] as? String == "high")
        #expect(events[1].body["state"] as? String == "open")
        #expect(events[1].body["dueAt"] as? String == OutboxEvent.timestamp(AuditFixture.now.addingTimeInterval(3 * 86_400)))
        #expect(events[1].body["occurredAt"] as? String == OutboxEvent.timestamp(AuditFixture.now))

        // Nothing overdue yet; four days later S2 (high, 3 days) is, A1 (7 days) is not.
        #expect(try await ActionQueries.announceOverdue(tenant: f.tenant, at: AuditFixture.now, database: f.database) == 0)
        let later = AuditFixture.now.addingTimeInterval(4 * 86_400)
        #expect(try await ActionQueries.announceOverdue(tenant: f.tenant, at: later, database: f.database) == 1)
        #expect(try await ActionQueries.announceOverdue(tenant: f.tenant, at: later.addingTimeInterval(3600), database: f.database) == 0)
        events = try await Self.actionEvents(f)
        #expect(events.map(\.type) == ["action.opened", "action.opened", "action.overdue"])
        #expect(events[2].body["action"] as? Int == Int(opened[1].id))
        #expect(events[2].body["occurredAt"] as? String == OutboxEvent.timestamp(later))

        // A later audit passing S2 verifies it: action.verified; verified actions never become overdue.
        let pass = try AuditFixture.document(
            template: "act-visit", visitedAt: "2026-09-12T10:00:00+08:00", answers: ActionTests.answers(a1: "yes", s2: "yes"), attachments: [])
        _ = try await f.submit(pass)
        events = try await Self.actionEvents(f)
        #expect(events.map(\.type) == ["action.opened", "action.opened", "action.overdue", "action.verified", "action.verified"])
        #expect(events[3...].map { $0.body["state"] as? String } == ["verified", "verified"])
        #expect(try await ActionQueries.announceOverdue(tenant: f.tenant, at: later.addingTimeInterval(30 * 86_400), database: f.database) == 0)
    }
}
