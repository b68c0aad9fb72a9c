import Foundation
import PQ
import Testing
import TouchstoneCore
import TouchstoneStore
import TouchstoneTestSupport

/// The outbox (events.md): events written in the change's own transaction, one delivery per
/// matching active webhook, nothing from a rolled-back change, and the runtime's rights on it.
@Suite("Outbox: events emitted with their change")
struct OutboxTests {
    struct Refused: Error {}

    static func hook(_ f: AuditFixture, events: [String] = []) async throws -> Webhook {
        try await WebhookQueries.add(
            tenant: f.tenant, url: "https://hooks.example.com/\(UUID())", eventTypes: events, createdBy: "admin",
            allowInsecure: false, database: f.database
        ).webhook
    }

    static func object(_ body: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(body.utf8)) as! [String: Any]
    }

    @Test func theAuditWorkflowEmitsItsEventsWithDeliveries() async throws {
        let f = try await AuditFixture.make()
        let all = try await Self.hook(f)
        let onlyDisputes = try await Self.hook(f, events: ["audit.disputed"])
        try await AuditWorkflowTests.addPhotoTemplate(f, code: "reviewed", requireReview: true)
        let id = UUID().uuidString.lowercased()
        _ = try await f.submit(try AuditFixture.document(id: id, template: "reviewed"))
        // Release refused (evidence missing): the rolled-back review emits nothing.
        await #expect(throws: StoreError.self) {
            try await AuditQueries.review(tenant: f.tenant, id: id, action: .release, actor: "hq", comment: nil, database: f.database)
        }
        #expect(try await OutboxQueries.events(tenant: f.tenant, database: f.database).isEmpty)

        _ = try await AuditQueries.attach(
            tenant: f.tenant, auditID: id, item: "P1", name: "front.jpg", bytes: Data("test".utf8),
            maxSize: 1000, actor: "agency-07", database: f.database)
        _ = try await AuditQueries.review(
            tenant: f.tenant, id: id, action: .release, actor: "hq", comment: "ok", now: AuditFixture.now, database: f.database)
        _ = try await AuditQueries.dispute(
            tenant: f.tenant, id: id, items: [DisputedItem(item: "S1", reason: "video", proposedAnswer: .number(50))],
            actor: "manager-o1", scope: .outlet("O1"), now: AuditFixture.now.addingTimeInterval(86_400), database: f.database)
        _ = try await AuditQueries.decide(
            tenant: f.tenant, id: id, item: "S1", accept: true, reason: "video confirms",
            actor: "hq", now: AuditFixture.now.addingTimeInterval(2 * 86_400), database: f.database)

        let events = try await OutboxQueries.events(tenant: f.tenant, database: f.database).reversed()
        #expect(events.map(\.type) == ["audit.released", "audit.disputed", "dispute.decided"])
        #expect(events.allSatisfy { $0.subject == id })
        let released = try Self.object(events.first!.body)
        #expect(released["id"] as? String == events.first!.id.uuidString.lowercased())
        #expect(released["tenant"] as? String == f.tenant.code)
        #expect(released["audit"] as? String == id)
        #expect(released["outlet"] as? String == "O1")
        #expect(released["score"] as? Double == 61.98)
        #expect(released["by"] as? String == "hq")
        #expect(released["occurredAt"] as? String == OutboxEvent.timestamp(AuditFixture.now))
        let decided = try Self.object(events.last!.body)
        #expect(decided["accepted"] as? Bool == true)
        #expect(decided["auditState"] as? String == "final")
        #expect(decided["score"] as? Double == 82.81)

        // Every event to the webhook that wants all; only the dispute to the filtered one.
        for event in events {
            let deliveries = try await WebhookQueries.deliveries(tenant: f.tenant, event: event.id, database: f.database)
            let expected = event.type == "audit.disputed" ? [all.id, onlyDisputes.id].sorted { $0.uuidString < $1.uuidString } : [all.id]
            #expect(deliveries.map(\.webhook).sorted { $0.uuidString < $1.uuidString } == expected)
            #expect(deliveries.allSatisfy { $0.state == "pending" && $0.attempts == 0 })
        }
    }

    @Test func anAuditReleasedAtUploadEmitsOnce() async throws {
        let f = try await AuditFixture.make()
        let hook = try await Self.hook(f)
        let document = try AuditFixture.document()
        let receipt = try await f.submit(document)
        #expect(receipt.state == .released)
        _ = try await f.submit(document)  // a replay changes nothing and emits nothing
        let events = try await OutboxQueries.events(tenant: f.tenant, database: f.database)
        #expect(events.map(\.type) == ["audit.released"])
        #expect(try Self.object(events[0].body)["by"] as? String == "agency-07")
        #expect(try await WebhookQueries.list(tenant: f.tenant, database: f.database).map(\.pending) == [1])
        _ = hook
    }

    @Test func aRolledBackTransactionEmitsNothing() async throws {
        let f = try await AuditFixture.make()
        _ = try await Self.hook(f)
        await #expect(throws: Refused.self) {
            try await f.database.tenantTransaction(f.tenant) { conn in
                try OutboxQueries.emit(.periodClosed(period: "2026-09", resultsHash: nil, by: "x", at: Date()), on: conn)
                throw Refused()
            }
        }
        #expect(try await OutboxQueries.events(tenant: f.tenant, database: f.database).isEmpty)
        #expect(try await OutboxQueries.dueTenants(at: Date().addingTimeInterval(60), database: f.database).isEmpty)
    }

    @Test func removedAndInactiveWebhooksGetNothing() async throws {
        let f = try await AuditFixture.make()
        let hook = try await Self.hook(f)
        _ = try await f.submit(try AuditFixture.document())
        #expect(try await OutboxQueries.dueTenants(at: Date(), database: f.database) == [f.tenant.code])
        try await WebhookQueries.remove(tenant: f.tenant, id: hook.id.uuidString, database: f.database)
        await #expect(throws: StoreError.self) {
            try await WebhookQueries.remove(tenant: f.tenant, id: hook.id.uuidString, database: f.database)
        }
        // Its pending delivery is parked: the dispatcher no longer finds the tenant due.
        let first = try await OutboxQueries.events(tenant: f.tenant, database: f.database)
        #expect(try await WebhookQueries.deliveries(tenant: f.tenant, event: first[0].id, database: f.database).map(\.state) == ["parked"])
        #expect(try await OutboxQueries.dueTenants(at: Date(), database: f.database).isEmpty)
        _ = try await f.submit(try AuditFixture.document())
        let events = try await OutboxQueries.events(tenant: f.tenant, database: f.database)
        #expect(events.count == 2)
        #expect(try await WebhookQueries.deliveries(tenant: f.tenant, event: events[0].id, database: f.database).isEmpty)
        #expect(try await WebhookQueries.list(tenant: f.tenant, database: f.database).isEmpty)
    }

    @Test func registrationChecksTheURLAndTheTypes() async throws {
        let f = try await AuditFixture.make()
        await #expect {
            try await WebhookQueries.add(
                tenant: f.tenant, url: "http://hooks.example.com/x", eventTypes: ["audit.released", "audit.eaten"], createdBy: "a",
                allowInsecure: true, database: f.database)
        } throws: { error in
            guard case StoreError.invalid(let problems) = error else { return false }
            return problems.map(\.path) == ["url", "events[1]"]
        }
        await #expect(throws: StoreError.self) {
            try await WebhookQueries.add(
                tenant: f.tenant, url: "http://127.0.0.1:9/x", eventTypes: [], createdBy: "a", allowInsecure: false, database: f.database)
        }
        let (hook, secret) = try await WebhookQueries.add(
            tenant: f.tenant, url: "http://127.0.0.1:9/x", eventTypes: ["period.closed", "period.closed"], createdBy: "a",
            allowInsecure: true, database: f.database)
        #expect(secret.hasPrefix("whsec_") && secret.count == 6 + 64)
        #expect(hook.eventTypes == ["period.closed"])
        // The registration is in the change log, without its secret.
        let logged = try await f.database.tenantTransaction(f.tenant, readOnly: true) { conn in
            try conn.query("SELECT after::text FROM change_log WHERE entity = 'webhook'").map { try $0.decode(0, as: String.self) }
        }
        #expect(logged.count == 1)
        #expect(logged.first?.contains("127.0.0.1:9") == true)
        #expect(logged.first?.contains(secret) == false)
    }

    @Test func theBatchAndClosingAPeriodEmit() async throws {
        let (database, tenant) = try await TestDatabase.make()
        let period = try Period.parse("2026-09")
        let job = try await BatchRunner().run(tenant: tenant, period: period, asOf: Date(), startedBy: "test", database: database)
        _ = try await PeriodQueries.close(tenant: tenant, period: period, actor: "boss", database: database)
        let events = try await OutboxQueries.events(tenant: tenant, database: database).reversed()
        #expect(events.map(\.type) == ["batch.completed", "period.closed"])
        #expect(events.allSatisfy { $0.subject == "2026-09" })
        #expect(try Self.object(events.first!.body)["job"] as? Int == Int(job.id))
        #expect(try Self.object(events.last!.body)["resultsHash"] as? String != nil)
    }

    @Test func theDispatchersLookUpNamesOnlyTenantsWithDueDeliveries() async throws {
        let (database, acme) = try await TestDatabase.make()
        let other = try await TestDatabase.createTenant(code: "other", in: database)
        let quiet = try await TestDatabase.createTenant(code: "quiet", in: database)
        let now = Date()
        for tenant in [acme, other, quiet] {
            _ = try await WebhookQueries.add(
                tenant: tenant, url: "https://hooks.example.com/\(tenant.code)", eventTypes: ["period.closed"], createdBy: "a",
                allowInsecure: false, database: database)
        }
        for tenant in [acme, other] {
            _ = try await database.tenantTransaction(tenant) { conn in
                try OutboxQueries.emit(.periodClosed(period: "2026-09", resultsHash: nil, by: "x", at: now), on: conn)
            }
        }
        // quiet's event is of a type its webhook does not want: no delivery.
        _ = try await database.tenantTransaction(quiet) { conn in
            try OutboxQueries.emit(.batchCompleted(period: "2026-09", job: 1, kpiRows: 0, payoutRows: 0, startedBy: "x", at: now), on: conn)
        }
        #expect(try await OutboxQueries.dueTenants(at: now, database: database) == ["acme", "other"])
        #expect(try await OutboxQueries.dueTenants(at: now.addingTimeInterval(-1), database: database).isEmpty)
        // Inside a tenant, only its own deliveries.
        let seen = try await database.tenantTransaction(acme) { conn in
            try conn.queryFirst("SELECT count(*) FROM webhook_deliveries")!.decode(0, as: Int.self)
        }
        #expect(seen == 1)
    }

    @Test func aTakenDeliveryIsLeasedAndDueAgainWhenItsDispatcherDied() async throws {
        let (database, tenant) = try await TestDatabase.make()
        let hook = try await WebhookQueries.add(
            tenant: tenant, url: "https://hooks.example.com/x", eventTypes: [], createdBy: "a", allowInsecure: false, database: database
        ).webhook
        let now = Date()
        let (first, second) = try await database.tenantTransaction(tenant) { conn in
            (
                try OutboxQueries.emit(.periodClosed(period: "2026-09", resultsHash: nil, by: "x", at: now), on: conn),
                try OutboxQueries.emit(.batchCompleted(period: "2026-10", job: 2, kpiRows: 0, payoutRows: 0, startedBy: "x", at: now), on: conn)
            )
        }
        let taken = try await OutboxQueries.claim(
            tenant: tenant, webhook: hook.id, at: now, leaseUntil: now.addingTimeInterval(240), database: database)
        #expect(taken.map(\.event) == [first, second])
        #expect(taken.allSatisfy { $0.attempts == 0 && $0.url == "https://hooks.example.com/x" && $0.secret.hasPrefix("whsec_") })
        // A second dispatcher finds nothing while the lease runs; after it, both are due again.
        #expect(
            try await OutboxQueries.claim(
                tenant: tenant, webhook: hook.id, at: now.addingTimeInterval(60), leaseUntil: now.addingTimeInterval(300), database: database
            ).isEmpty)
        #expect(try await OutboxQueries.dueTenants(at: now.addingTimeInterval(239), database: database).isEmpty)
        #expect(try await OutboxQueries.dueTenants(at: now.addingTimeInterval(240), database: database) == [tenant.code])
        let again = try await OutboxQueries.claim(
            tenant: tenant, webhook: hook.id, at: now.addingTimeInterval(240), leaseUntil: now.addingTimeInterval(480), database: database)
        #expect(again.map(\.event) == [first, second])
    }

    @Test func theRuntimeCannotRewriteEventsOrReadOtherTenants() async throws {
        let f = try await AuditFixture.make()
        _ = try await f.submit(try AuditFixture.document())
        await #expect(throws: StoreError.self) {
            try await f.database.tenantTransaction(f.tenant) { conn in try conn.execute("UPDATE outbox_events SET subject = 'x'") }
        }
        await #expect(throws: StoreError.self) {
            try await f.database.tenantTransaction(f.tenant) { conn in try conn.execute("DELETE FROM outbox_events") }
        }
        await #expect(throws: StoreError.self) {
            try await f.database.tenantTransaction(f.tenant) { conn in try conn.execute("UPDATE webhooks SET secret = 'x'") }
        }
        // Outside any tenant the runtime sees no event at all (forced row-level security).
        let seen = try await f.database.lookup { conn in try conn.queryFirst("SELECT count(*) FROM outbox_events")!.decode(0, as: Int.self) }
        #expect(seen == 0)
    }
}
