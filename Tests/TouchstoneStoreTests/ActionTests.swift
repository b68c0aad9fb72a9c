import Foundation
import PQ
import Testing
import TouchstoneCore
import TouchstoneStore
import TouchstoneTestSupport

/// Corrective actions in the store: the automatic openers (exactly once per source), auto-verify,
/// the workflow with evidence, the due-day settings.
@Suite("Corrective actions")
struct ActionTests {
    /// The sample template with A1 marked `"action": true` (S2 is section-critical already).
    static func addActionTemplate(_ f: AuditFixture) async throws {
        let json = try AuditFixture.sampleTemplate { t in
            t["code"] = "act-visit"
            var sections = t["sections"] as! [[String: Any]]
            var items = sections[0]["items"] as! [[String: Any]]
            items[0]["action"] = true
            sections[0]["items"] = items
            t["sections"] = sections
        }
        _ = try await TemplateQueries.add(tenant: f.tenant, json: json, database: f.database)
    }

    static func answers(a1: String, s2: String) -> [String: Any] {
        ["A1": a1, "A2": 4, "A3": "na", "S1": 75, "S2": s2, "S3": "partial", "C1": "na", "C2": "x"]
    }

    static func all(_ f: AuditFixture, asOf: Date = AuditFixture.now) async throws -> [ActionRecord] {
        try await ActionQueries.list(tenant: f.tenant, filter: ActionFilter(), asOf: asOf, database: f.database)
    }

    @Test func aReleasedAuditOpensOneActionPerFindingOnceAndALaterPassVerifiesThem() async throws {
        let f = try await AuditFixture.make()
        try await Self.addActionTemplate(f)
        let first = try AuditFixture.document(
            template: "act-visit", visitedAt: "2026-09-10T10:00:00+08:00", answers: Self.answers(a1: "no", s2: "no"), attachments: [])
        #expect(try await f.submit(first).state == .released)
        _ = try await f.submit(first)  // a replay opens nothing more
        let opened = try await Self.all(f)
        #expect(opened.map(\.item) == ["A1", "S2"])
        #expect(opened.map(\.severity) == [.medium, .high])
        #expect(opened.allSatisfy { $0.source == .audit && $0.state == .open && $0.outlet == "O1" && $0.openedBy == "system" })
        // Due: audit findings 7 days (medium) and 3 days (high) after the release.
        #expect(opened[0].dueAt == AuditFixture.now.addingTimeInterval(7 * 86_400))
        #expect(opened[1].dueAt == AuditFixture.now.addingTimeInterval(3 * 86_400))
        #expect(try await Self.all(f, asOf: AuditFixture.now.addingTimeInterval(4 * 86_400)).map(\.overdue) == [false, true])

        // An audit visited earlier that passes does not verify; a later one passing S2 only verifies S2.
        let earlier = try AuditFixture.document(
            template: "act-visit", visitedAt: "2026-09-01T10:00:00+08:00", answers: Self.answers(a1: "yes", s2: "yes"), attachments: [])
        _ = try await f.submit(earlier)
        #expect(try await Self.all(f).map(\.state) == [.open, .open])
        let later = try AuditFixture.document(
            template: "act-visit", visitedAt: "2026-09-12T10:00:00+08:00", answers: Self.answers(a1: "no", s2: "yes"), attachments: [])
        _ = try await f.submit(later)
        let after = try await Self.all(f)
        #expect(after.count == 3)  // the later audit's own A1 failure
        #expect(after.map(\.state) == [.open, .verified, .open])
        let s2 = try await ActionQueries.get(tenant: f.tenant, id: after[1].id, database: f.database)
        #expect(s2.transitions?.map(\.to) == [.open, .verified])
        #expect(s2.transitions?.last?.actor == "system")
        #expect(s2.transitions?.last?.comment?.hasPrefix("verified automatically") == true)
    }

    @Test func anAuditReleasedByReviewOpensInTheReleaseTransaction() async throws {
        let f = try await AuditFixture.make()
        let json = try AuditFixture.sampleTemplate { t in
            t["code"] = "reviewed"
            t["requireReview"] = true
        }
        _ = try await TemplateQueries.add(tenant: f.tenant, json: json, database: f.database)
        let id = UUID().uuidString.lowercased()
        _ = try await f.submit(try AuditFixture.document(id: id, template: "reviewed", answers: Self.answers(a1: "no", s2: "no"), attachments: []))
        #expect(try await Self.all(f).isEmpty)
        _ = try await AuditQueries.review(
            tenant: f.tenant, id: id, action: .release, actor: "admin", comment: nil, now: AuditFixture.now, database: f.database)
        #expect(try await Self.all(f).map(\.item) == ["S2"])
    }

    @Test func theWorkflowKeepsEveryTransitionAndTheEvidence() async throws {
        let f = try await AuditFixture.make()
        let now = AuditFixture.now
        let action = try await ActionQueries.open(
            tenant: f.tenant, ManualAction(outlet: "O1", title: "Repaint the sign", severity: .low), actor: "admin", now: now,
            database: f.database)
        #expect(action.source == .manual && action.state == .open && action.dueAt == now.addingTimeInterval(30 * 86_400))
        await #expect(throws: StoreError.invalidState("action \(action.id) is open; it cannot be verified")) {
            try await ActionQueries.transition(
                tenant: f.tenant, id: action.id, step: .verify, comment: nil, actor: "admin", now: now, database: f.database)
        }
        await #expect(throws: StoreError.invalid([Problem(path: "comment", message: "submit needs a comment")])) {
            try await ActionQueries.transition(
                tenant: f.tenant, id: action.id, step: .submit, comment: " ", actor: "mgr", now: now, database: f.database)
        }
        // An outlet manager of O2 does not find O1's action.
        await #expect(throws: StoreError.notFound("action \(action.id)")) {
            try await ActionQueries.transition(
                tenant: f.tenant, id: action.id, step: .start, comment: nil, actor: "mgr2", within: ActionFilter(outlet: "O2"), now: now,
                database: f.database)
        }
        _ = try await ActionQueries.transition(
            tenant: f.tenant, id: action.id, step: .start, comment: nil, actor: "mgr", within: ActionFilter(outlet: "O1"), now: now,
            database: f.database)
        let photo = ActionPhoto(name: "sign.jpg", contentType: "image/jpeg", content: Data("test".utf8))
        let submitted = try await ActionQueries.transition(
            tenant: f.tenant, id: action.id, step: .submit, comment: "Repainted", evidence: [photo], actor: "mgr", now: now,
            database: f.database)
        #expect(submitted.state == .submitted)
        #expect(submitted.evidence?.map(\.name) == ["sign.jpg"] && submitted.evidence?.map(\.sha256) == [AuditFixture.testSHA])
        #expect(submitted.evidence?.map(\.contentType) == ["image/jpeg"] && submitted.evidence?.map(\.size) == [4])
        #expect(
            try await ActionQueries.evidence(tenant: f.tenant, id: action.id, name: "sign.jpg", database: f.database).content == Data("test".utf8))
        let reopened = try await ActionQueries.transition(
            tenant: f.tenant, id: action.id, step: .reopen, comment: "Still peeling", actor: "admin", now: now, database: f.database)
        #expect(reopened.state == .reopened)
        _ = try await ActionQueries.transition(
            tenant: f.tenant, id: action.id, step: .submit, comment: "Second coat", actor: "mgr", now: now, database: f.database)
        let verified = try await ActionQueries.transition(
            tenant: f.tenant, id: action.id, step: .verify, comment: nil, actor: "admin", now: now, database: f.database)
        #expect(verified.state == .verified && verified.verifiedAt == now)
        #expect(verified.transitions?.map(\.to) == [.open, .inProgress, .submitted, .reopened, .submitted, .verified])
        #expect(verified.transitions?.map(\.actor) == ["admin", "mgr", "mgr", "admin", "mgr", "admin"])
        #expect(verified.transitions?.map(\.seq) == [1, 2, 3, 4, 5, 6])
    }

    @Test func breachedComplaintsAndRedKPIsOpenOnceEach() async throws {
        let (database, tenant) = try await TestDatabase.make()
        try await BatchFixtures.loadSamples(database, tenant)
        // C2 (medium, unresolved, opened 2026-09-12) breached its 48 h; C1 was resolved within 24 h.
        var actions = try await ActionQueries.list(tenant: tenant, filter: ActionFilter(), database: database)
        #expect(actions.map(\.complaint) == ["C2"])
        #expect(actions[0].severity == .medium && actions[0].outlet == "O2" && actions[0].title == "Complaint C2 breached its 48 h time limit")
        _ = try await importCSV(.complaints, file: BatchFixtures.sample("complaints.csv"), tenant: tenant, database: database)
        // MS of O1 is red in 2026-09: one KPI action, however often the batch runs.
        _ = try await BatchFixtures.run(database, tenant, "2026-09")
        _ = try await BatchFixtures.run(database, tenant, "2026-09")
        actions = try await ActionQueries.list(tenant: tenant, filter: ActionFilter(), database: database)
        #expect(actions.map(\.source) == [.complaint, .kpi])
        #expect(actions[1].kpi == "MS" && actions[1].period == "2026-09" && actions[1].outlet == "O1")
        #expect(try await ActionQueries.list(tenant: tenant, filter: ActionFilter(source: .kpi), database: database).count == 1)
        #expect(try await ActionQueries.list(tenant: tenant, filter: ActionFilter(within: "华东/上海/徐汇"), database: database).count == 1)
        let board = try await ActionQueries.board(tenant: tenant, database: database)
        #expect(board.map(\.region) == ["华东/上海/徐汇", "华东/上海/浦东"])
        #expect(board.map(\.open) == [1, 1])
    }

    @Test func theDatabaseRefusesASecondActionForOneSource() async throws {
        let (database, tenant) = try await TestDatabase.make()
        try await BatchFixtures.loadSamples(database, tenant)
        await #expect(throws: (any Error).self) {
            try await database.tenantTransaction(tenant) { conn in
                try conn.execute(
                    """
                    INSERT INTO actions (tenant_id, outlet_id, source, complaint_id, severity, title, opened_at, opened_by, due_at)
                    SELECT app_current_tenant(), outlet_id, 'complaint', complaint_id, 'medium', 'again', now(), 'x', now() + interval '1 day'
                    FROM complaints WHERE complaint_id = 'C2'
                    """)
            }
        }
    }

    @Test func dueDaysSettings() async throws {
        let (database, tenant) = try await TestDatabase.make()
        let set = try await ActionQueries.setDueDays(tenant: tenant, [(.complaint, .medium, 1)], database: database)
        #expect(set.days(.complaint, .medium) == 1 && set.days(.complaint, .high) == 2)
        #expect(try await ActionQueries.dueDays(tenant: tenant, database: database).days(.complaint, .medium) == 1)
        await #expect(throws: StoreError.invalid([Problem(path: "audit.high", message: "must be 1..365 days, not 400")])) {
            try await ActionQueries.setDueDays(tenant: tenant, [(.audit, .high, 400)], database: database)
        }
    }

    @Test func theBatchComputesTheActionMetricsAsTheCoreDoes() async throws {
        let (database, tenant) = try await TestDatabase.make()
        try await BatchFixtures.loadSamples(database, tenant)
        try await BatchFixtures.defineKPIs(
            database, tenant,
            """
            [{"code": "ACL", "metric": "action.closure_on_time", "direction": "higher", "threshold": 80, "target": 95},
             {"code": "AOV", "metric": "action.open_overdue", "direction": "lower", "threshold": 2, "target": 0}]
            """)
        // The worked example of docs/actions.md: A–E of outlet O1.
        let facts = ActionMetricFixture.actions
        try await database.tenantTransaction(tenant) { conn in
            for (i, a) in facts.enumerated() {
                try conn.execute(
                    """
                    INSERT INTO actions (tenant_id, outlet_id, source, severity, title, state, opened_at, opened_by, due_at, verified_at)
                    SELECT app_current_tenant(), id, 'manual', 'medium', \("example \(i)"), \(a.verifiedAt == nil ? "open" : "verified"),
                           \(a.openedAt)::timestamptz, 'test', \(a.dueAt)::timestamptz, \(a.verifiedAt)::timestamptz
                    FROM outlets WHERE code = 'O1'
                    """)
            }
        }
        func results(asOf: String) async throws -> String {
            _ = try await BatchFixtures.run(database, tenant, "2026-10", asOf: asOf)
            return try await BatchFixtures.export(database, tenant, "2026-10").split(separator: "\n")
                .filter { $0.contains(",ACL,") || $0.contains(",AOV,") }.joined(separator: "\n")
        }
        let asOf = "2026-11-05T00:00:00+08:00"
        let bounds = Period("2026-10")!.bounds(in: tenant.timeZone)
        let acl = try #require(ActionMetrics.closureOnTime(facts, start: bounds.start, end: bounds.end, asOf: BatchFixtures.instant(asOf)))
        let aov = try #require(ActionMetrics.openOverdue(facts, asOf: BatchFixtures.instant(asOf)))
        #expect(acl == MetricValue(value: 25, n: 4) && aov == MetricValue(value: 2, n: 5))
        // Every level above O1 pools the same five actions (O2's complaint action opened after the as-of).
        #expect(
            try await results(asOf: asOf) == """
                2026-10,tenant,acme,ACL,25.00,4,red
                2026-10,tenant,acme,AOV,2.00,5,amber
                2026-10,region,华东,ACL,25.00,4,red
                2026-10,region,华东,AOV,2.00,5,amber
                2026-10,region,华东/上海,ACL,25.00,4,red
                2026-10,region,华东/上海,AOV,2.00,5,amber
                2026-10,region,华东/上海/浦东,ACL,25.00,4,red
                2026-10,region,华东/上海/浦东,AOV,2.00,5,amber
                2026-10,outlet,O1,ACL,25.00,4,red
                2026-10,outlet,O1,AOV,2.00,5,amber
                """)
        // The closure rate moves as its definition says: as of 10-15 only A (on time) and B (late) are decided.
        #expect(try await results(asOf: "2026-10-15T00:00:00+08:00").contains("2026-10,outlet,O1,ACL,50.00,2,red"))
    }
}

/// The worked example of docs/actions.md "KPI metrics" (the same as the core's ActionMetricTests).
enum ActionMetricFixture {
    static func at(_ text: String) -> Date { Instant.parse(text)! }
    static let opened = at("2026-09-20T09:00:00+08:00")
    static let actions = [
        ActionFacts(openedAt: opened, dueAt: at("2026-10-03T09:00:00+08:00"), verifiedAt: at("2026-10-02T15:00:00+08:00")),
        ActionFacts(openedAt: opened, dueAt: at("2026-10-10T09:00:00+08:00"), verifiedAt: at("2026-10-12T10:00:00+08:00")),
        ActionFacts(openedAt: opened, dueAt: at("2026-10-20T09:00:00+08:00")),
        ActionFacts(openedAt: opened, dueAt: at("2026-11-10T09:00:00+08:00")),
        ActionFacts(openedAt: opened, dueAt: at("2026-10-25T09:00:00+08:00"), verifiedAt: at("2026-11-07T09:00:00+08:00")),
    ]
}
