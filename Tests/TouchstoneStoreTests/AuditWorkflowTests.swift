import Foundation
import Testing
import TouchstoneCore
import TouchstoneStore
import TouchstoneTestSupport

@Suite("Audits: evidence, review, disputes, scope")
struct AuditWorkflowTests {
    /// The sample template as `code`, with its photo P1 required and review as given.
    static func addPhotoTemplate(_ f: AuditFixture, code: String = "photo-visit", requireReview: Bool = false) async throws {
        let json = try AuditFixture.sampleTemplate { t in
            t["code"] = code
            t["requireReview"] = requireReview
            var sections = t["sections"] as! [[String: Any]]
            var items = sections[0]["items"] as! [[String: Any]]
            items[3]["required"] = true
            sections[0]["items"] = items
            t["sections"] = sections
        }
        _ = try await TemplateQueries.add(tenant: f.tenant, json: json, database: f.database)
    }

    @Test func evidenceIsCheckedStoredAndReuseFlagged() async throws {
        let f = try await AuditFixture.make()
        try await Self.addPhotoTemplate(f)
        let id = UUID().uuidString.lowercased()
        let receipt = try await f.submit(try AuditFixture.document(id: id, template: "photo-visit"))
        #expect(receipt.state == .submitted)
        #expect(receipt.missingEvidence == ["P1"])

        await #expect {
            try await AuditQueries.attach(
                tenant: f.tenant, auditID: id, item: "P1", name: "front.jpg", bytes: Data("tset".utf8),
                maxSize: 1000, actor: "agency-07", database: f.database)
        } throws: { error in
            guard case StoreError.invalid(let problems) = error else { return false }
            return problems.map(\.path) == ["sha256"] && problems[0].message.contains(AuditFixture.testSHA)
                && problems[0].message.contains("got ")
        }
        await #expect {
            try await AuditQueries.attach(
                tenant: f.tenant, auditID: id, item: "P1", name: "front.jpg", bytes: Data("test".utf8),
                maxSize: 3, actor: "agency-07", database: f.database)
        } throws: { error in
            guard case StoreError.invalid(let problems) = error else { return false }
            return problems.map(\.path) == ["size"]
        }
        await #expect {
            try await AuditQueries.attach(
                tenant: f.tenant, auditID: id, item: "P1", name: "back.jpg", bytes: Data("test".utf8),
                maxSize: 1000, actor: "agency-07", database: f.database)
        } throws: { error in
            if case StoreError.invalid = error { return true } else { return false }
        }
        #expect(try await AuditQueries.get(tenant: f.tenant, id: id, database: f.database).state == .submitted)

        let stored = try await AuditQueries.attach(
            tenant: f.tenant, auditID: id, item: "P1", name: "front.jpg", bytes: Data("test".utf8),
            maxSize: 1000, actor: "agency-07", database: f.database)
        #expect(stored.reusedBy.isEmpty)
        #expect(stored.state == .released)
        #expect(stored.missingEvidence.isEmpty)
        let record = try await AuditQueries.get(tenant: f.tenant, id: id, database: f.database)
        #expect(record.attachments.map(\.received) == [true])
        #expect(record.attachments.first?.size == 4)
        #expect(record.transitions.map(\.to) == [.submitted, .released])
        #expect(record.releasedAt != nil)

        let other = UUID().uuidString.lowercased()
        _ = try await f.submit(try AuditFixture.document(id: other, template: "photo-visit", outlet: "O3", servedBy: nil))
        let reused = try await AuditQueries.attach(
            tenant: f.tenant, auditID: other, item: "P1", name: "front.jpg", bytes: Data("test".utf8),
            maxSize: 1000, actor: "agency-07", database: f.database)
        #expect(reused.reusedBy == [id])
        #expect(try await AuditQueries.get(tenant: f.tenant, id: other, database: f.database).attachments.first?.reusedBy == [id])
        #expect(try await AuditQueries.get(tenant: f.tenant, id: id, database: f.database).attachments.first?.reusedBy == [other])
    }

    @Test func uploadEvidenceReleaseDisputeAcceptRescores() async throws {
        let f = try await AuditFixture.make()
        try await Self.addPhotoTemplate(f, code: "reviewed", requireReview: true)
        let id = UUID().uuidString.lowercased()
        _ = try await f.submit(try AuditFixture.document(id: id, template: "reviewed"))
        await #expect {
            try await AuditQueries.review(tenant: f.tenant, id: id, action: .release, actor: "hq", comment: nil, database: f.database)
        } throws: { error in
            guard case StoreError.invalidState(let message) = error else { return false }
            return message.contains("P1")
        }
        let evidence = try await AuditQueries.attach(
            tenant: f.tenant, auditID: id, item: "P1", name: "front.jpg", bytes: Data("test".utf8),
            maxSize: 1000, actor: "agency-07", database: f.database)
        #expect(evidence.state == .submitted)  // review required
        let released = try await AuditQueries.review(
            tenant: f.tenant, id: id, action: .release, actor: "hq", comment: "ok",
            now: AuditFixture.now, database: f.database)
        #expect(released.state == .released)

        let disputed = try await AuditQueries.dispute(
            tenant: f.tenant, id: id, items: [DisputedItem(item: "S1", reason: "greeted within 50 s (video)", proposedAnswer: .number(50))],
            actor: "manager-o1", scope: .outlet("O1"), now: AuditFixture.now.addingTimeInterval(86_400), database: f.database)
        #expect(disputed.state == .disputed)

        let decided = try await AuditQueries.decide(
            tenant: f.tenant, id: id, item: "S1", accept: true, reason: "video confirms",
            actor: "hq", now: AuditFixture.now.addingTimeInterval(2 * 86_400), database: f.database)
        // SRV = 100 × 24/30 = 80; overall = (30 × 87.5 + 50 × 80)/80 = 82.8125.
        #expect(decided.state == .final)
        #expect(decided.score == "82.81")
        #expect(decided.sections.map(\.score) == ["87.50", "80.00", nil])
        #expect(decided.dimensions.first { $0.dimension == "responsiveness" }?.score == "100.00")

        let record = try await AuditQueries.get(tenant: f.tenant, id: id, database: f.database)
        #expect(record.items.first { $0.item == "S1" }?.answer == .number(50))
        #expect(record.transitions.map(\.to) == [.submitted, .released, .disputed, .final])
        #expect(record.transitions.map(\.actor) == ["agency-07", "hq", "manager-o1", "hq"])
        #expect(record.scoreHistory.map(\.newScore) == ["61.98", "82.81"])
        #expect(record.scoreHistory.last?.oldScore == "61.98")
        #expect(record.scoreHistory.last?.templateVersion == 1)
        #expect(record.scoreHistory.last?.reason == "dispute on S1 accepted: video confirms")
        #expect(record.disputes.first?.oldAnswer == .number(75))
        #expect(record.disputes.first?.newAnswer == .number(50))
        #expect(record.disputes.first?.state == "accepted")
        #expect(try await f.export(template: "reviewed").contains(",final,82.81,false,87.50,80.00,,"))
    }

    @Test func disputeAfterTheWindowIsRefused() async throws {
        let f = try await AuditFixture.make()
        _ = try await f.submit(try AuditFixture.sampleDocument)  // released at AuditFixture.now; 7 dispute days
        await #expect {
            try await AuditQueries.dispute(
                tenant: f.tenant, id: AuditFixture.sampleID, items: [DisputedItem(item: "S1", reason: "late")],
                actor: "manager-o1", now: AuditFixture.now.addingTimeInterval(8 * 86_400), database: f.database)
        } throws: { error in
            guard case StoreError.invalidState(let message) = error else { return false }
            return message.contains("closed at 2026-09-22T12:00:00+08:00")
        }
        await #expect {
            try await AuditQueries.dispute(
                tenant: f.tenant, id: AuditFixture.sampleID, items: [DisputedItem(item: "S1", reason: "x", proposedAnswer: .text("fast"))],
                actor: "manager-o1", now: AuditFixture.now, database: f.database)
        } throws: { error in
            guard case StoreError.invalid(let problems) = error else { return false }
            return problems.map(\.path) == ["items[0].proposedAnswer"]
        }
    }

    @Test func sendBackThenChangedReuploadIsAccepted() async throws {
        let f = try await AuditFixture.make()
        try await Self.addPhotoTemplate(f, code: "reviewed", requireReview: true)
        let id = UUID().uuidString.lowercased()
        _ = try await f.submit(try AuditFixture.document(id: id, template: "reviewed"))
        let returned = try await AuditQueries.review(
            tenant: f.tenant, id: id, action: .sendBack, actor: "hq", comment: "photo blurred",
            database: f.database)
        #expect(returned.state == .returned)
        let changed = try AuditFixture.document(
            id: id, template: "reviewed",
            answers: ["A1": "yes", "A2": 5, "A3": "na", "S1": 75, "S2": "yes", "S3": "partial", "C1": "na"])
        let resubmitted = try await f.submit(changed)
        #expect(resubmitted.state == .submitted)
        #expect(resubmitted.replayed == false)
        // ARR = 100 × 20/20; overall = (30 × 100 + 50 × 46.666…)/80 = 66.666…
        #expect(resubmitted.score == "66.67")
        let record = try await AuditQueries.get(tenant: f.tenant, id: id, database: f.database)
        #expect(record.scoreHistory.map(\.reason) == ["uploaded", "resubmitted after send-back"])
        #expect(record.transitions.map(\.to) == [.submitted, .returned, .submitted])
        #expect(try await f.submit(changed).replayed)
        let rejected = try await AuditQueries.review(
            tenant: f.tenant, id: id, action: .reject, actor: "hq", comment: "fabricated",
            database: f.database)
        #expect(rejected.state == .rejected)
    }

    @Test func scopesLimitWhatCallersSee() async throws {
        let f = try await AuditFixture.make()
        try await Self.addPhotoTemplate(f)
        let mine = UUID().uuidString.lowercased()
        let theirs = UUID().uuidString.lowercased()
        let pending = UUID().uuidString.lowercased()
        _ = try await f.submit(try AuditFixture.document(id: mine), by: "shopper-a")
        _ = try await f.submit(try AuditFixture.document(id: theirs, outlet: "O3", servedBy: "E9"), by: "shopper-b")
        _ = try await f.submit(try AuditFixture.document(id: pending, template: "photo-visit"), by: "shopper-b")

        let auditor = AuditScope(Principal(tenantID: f.tenant.id, tenantCode: f.tenant.code, login: "shopper-a", role: .auditor))
        #expect(try await AuditQueries.list(tenant: f.tenant, scope: auditor, database: f.database).items.map(\.id) == [mine])
        await #expect {
            try await AuditQueries.get(tenant: f.tenant, id: theirs, scope: auditor, database: f.database)
        } throws: { error in
            if case StoreError.notFound = error { return true } else { return false }
        }
        let manager = AuditScope(Principal(tenantID: f.tenant.id, tenantCode: f.tenant.code, login: "m1", role: .outletManager, outletCode: "O1"))
        // The pending (submitted) audit of O1 is not visible to the outlet manager.
        #expect(try await AuditQueries.list(tenant: f.tenant, scope: manager, database: f.database).items.map(\.id) == [mine])
        let region = AuditScope(Principal(tenantID: f.tenant.id, tenantCode: f.tenant.code, login: "r1", role: .regionManager, regionPath: "华东/浙江"))
        #expect(try await AuditQueries.list(tenant: f.tenant, scope: region, database: f.database).items.map(\.id) == [theirs])
        #expect(try await AuditQueries.list(tenant: f.tenant, database: f.database).items.count == 3)
        #expect(try await AuditQueries.list(tenant: f.tenant, state: .submitted, database: f.database).items.map(\.id) == [pending])
    }
}
