import Foundation
import PQ
import Testing
import TouchstoneCore
import TouchstoneStore
import TouchstoneTestSupport

/// `touchstone import audits` checks and writes its lines set-based; what it stores must be what
/// uploading the same documents one by one stores.
@Suite("Audit import: set-based, as uploads one by one")
struct AuditImportSetTests {
    static let b0 = "0b000000-0000-4000-8000-000000000000"
    static let returned = "0b000000-0000-4000-8000-0000000000ff"

    /// The sample outlets, staff and template in `tenant`, then what the file builds on: an audit
    /// B0 (released, S2 failed: an open action) whose photo bytes arrived, and an audit R sent back.
    static func seed(_ tenant: Tenant, _ database: Database) async throws {
        let samples = TestDatabase.samplesDirectory
        _ = try await importCSV(.outlets, file: samples.appendingPathComponent("outlets.csv"), tenant: tenant, database: database)
        _ = try await importCSV(.staff, file: samples.appendingPathComponent("staff.csv"), tenant: tenant, database: database)
        _ = try await TemplateQueries.add(
            tenant: tenant, json: try Data(contentsOf: samples.appendingPathComponent("template-demo-visit.json")), database: database)
        let base = try AuditFixture.document(id: b0, visitedAt: "2026-09-05T10:00:00+08:00", answers: answers(s2: "no"))
        _ = try await AuditQueries.submit(tenant: tenant, document: base, submittedBy: "cli", now: AuditFixture.now, database: database)
        _ = try await AuditQueries.attach(
            tenant: tenant, auditID: b0, item: "P1", name: "front.jpg", bytes: Data("test".utf8), maxSize: 1000, actor: "cli",
            now: AuditFixture.now, database: database)
        // The same photo again: flagged, waits for review; sent back.
        let sentBack = try AuditFixture.document(id: returned, outlet: "O2", visitedAt: "2026-09-06T10:00:00+08:00", servedBy: nil)
        let receipt = try await AuditQueries.submit(tenant: tenant, document: sentBack, submittedBy: "cli", now: AuditFixture.now, database: database)
        #expect(receipt.flags == ["photo_reused"])
        _ = try await AuditQueries.review(
            tenant: tenant, id: returned, action: .sendBack, actor: "reviewer", comment: "photo", now: AuditFixture.now, database: database)
    }

    static func answers(s2: String, a1: String = "yes", s1: Any = 75) -> [String: Any] {
        ["A1": a1, "A2": 4, "A3": "na", "S1": s1, "S2": s2, "S3": "partial", "C1": "na", "C2": "ok"]
    }

    /// An attachment with bytes no other audit holds.
    static func photo(_ digit: Character) -> [[String: Any]] {
        [["item": "P1", "name": "front.jpg", "sha256": String(repeating: digit, count: 64), "contentType": "image/jpeg"]]
    }

    static func line(_ data: Data) -> String { String(decoding: data, as: UTF8.self) }

    /// `document` from the field: with a device trace.
    static func fromTheField(_ document: Data) throws -> String {
        var object = try JSONSerialization.jsonObject(with: document) as! [String: Any]
        object["device"] = ["endedAt": "2026-09-14T02:40:00Z"]
        return line(try JSONSerialization.data(withJSONObject: object))
    }

    /// Lines covering every outcome: new audits released (opening and verifying actions, in line
    /// order), a warning, a trust flag (review), an identical and a changed repeat, bad lines, a
    /// resubmission of an audit sent back, an upper-case id, an upload from the field (its rotation
    /// signal counts the visit of line 12 to the same outlet).
    static func lines() throws -> [String] {
        let id = (1...9).map { "1a000000-0000-4000-8000-00000000000\($0)" }
        let first = line(
            try AuditFixture.document(id: id[0], visitedAt: "2026-09-10T10:00:00+08:00", answers: answers(s2: "no"), attachments: photo("a")))
        let third = line(
            try AuditFixture.document(
                id: id[2], outlet: "O2", visitedAt: "2026-09-11T10:00:00+08:00", servedBy: "E8", answers: answers(s2: "yes"), attachments: photo("c"))
        )
        return [
            first,
            line(try AuditFixture.document(id: id[1], visitedAt: "2026-09-12T10:00:00+08:00", answers: answers(s2: "yes"), attachments: photo("b"))),
            third,
            line(
                try AuditFixture.document(
                    id: id[3], outlet: "O2", visitedAt: "2026-09-09T10:00:00+08:00", servedBy: nil, answers: answers(s2: "no"),
                    attachments: photo("d"))),
            line(try AuditFixture.document(id: id[4], visitedAt: "2026-09-13T10:00:00+08:00")),
            first,
            line(
                try AuditFixture.document(
                    id: id[1], visitedAt: "2026-09-12T10:00:00+08:00", answers: answers(s2: "yes", a1: "no"), attachments: photo("b"))),
            line(try AuditFixture.document(answers: answers(s2: "yes", s1: "slow"))),
            "{\"id\": oops",
            line(
                try AuditFixture.document(
                    id: returned, outlet: "O2", visitedAt: "2026-09-06T10:00:00+08:00", servedBy: nil, answers: answers(s2: "yes"),
                    attachments: photo("e"))),
            line(
                try AuditFixture.document(
                    id: id[5], outlet: "O2", visitedAt: "2026-09-14T10:00:00+08:00", servedBy: nil, answers: answers(s2: "yes"),
                    attachments: photo("f"))),
            line(try AuditFixture.document(id: id[6].uppercased(), outlet: "O3", servedBy: nil, answers: answers(s2: "no"), attachments: photo("9"))),
            third,
            try fromTheField(try AuditFixture.document(id: id[7], outlet: "O3", servedBy: nil, answers: answers(s2: "yes"), attachments: photo("7"))),
            line(
                try AuditFixture.document(
                    id: id[8], outlet: "O2", visitedAt: "2026-09-14T11:00:00+08:00", servedBy: nil, answers: answers(s2: "yes"),
                    attachments: photo("8"))),
        ]
    }

    /// Everything the audits wrote, as sorted text without surrogate ids and wall-clock columns;
    /// then the outbox in the order of its events.
    static func stored(_ tenant: Tenant, _ database: Database) async throws -> (rows: [String], events: [String]) {
        try await database.tenantTransaction(tenant, readOnly: true) { conn in
            let rows = try conn.query(
                """
                SELECT format('audit %s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s', a.id, a.template_code, a.template_version, o.code,
                              a.visited_at, a.auditor, st.employee_no, a.state, a.score, a.critical_failure, a.content_hash, a.document,
                              a.submitted_by, a.submitted_at, a.released_at, a.late, a.warnings, a.flags, a.visit_id)
                FROM audits a JOIN outlets o ON o.id = a.outlet_id LEFT JOIN staff st ON st.id = a.served_by
                UNION ALL
                SELECT format('answer %s|%s|%s|%s|%s|%s', audit_id, item_code, answer, earned, possible, failed) FROM audit_answers
                UNION ALL
                SELECT format('section %s|%s|%s', audit_id, section_code, score) FROM audit_section_scores
                UNION ALL
                SELECT format('dimension %s|%s|%s', audit_id, dimension, score) FROM audit_dimension_scores
                UNION ALL
                SELECT format('transition %s|%s|%s|%s|%s|%s|%s', audit_id, seq, at, actor, from_state, to_state, reason) FROM audit_transitions
                UNION ALL
                SELECT format('history %s|%s|%s|%s|%s|%s|%s', audit_id, seq, at, template_version, old_score, new_score, reason)
                FROM audit_score_history
                UNION ALL
                SELECT format('attachment %s|%s|%s|%s|%s|%s|%s', audit_id, item_code, name, sha256, content_type, size, received_at IS NOT NULL)
                FROM audit_attachments
                UNION ALL
                SELECT format('reuse %s|%s|%s|%s|%s', audit_id, item_code, name, sha256, other_audit_id) FROM audit_evidence_reuse
                UNION ALL
                SELECT format('action %s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s', o.code, x.source, x.audit_id, x.item_code, x.severity, x.title,
                              x.owner, x.state, x.opened_at, x.opened_by, x.due_at, x.verified_at)
                FROM actions x JOIN outlets o ON o.id = x.outlet_id
                UNION ALL
                SELECT format('action transition %s|%s|%s|%s|%s|%s|%s|%s', x.audit_id, x.item_code, t.seq, t.at, t.actor, t.from_state, t.to_state,
                              t.comment)
                FROM action_transitions t JOIN actions x ON x.id = t.action_id
                UNION ALL
                SELECT format('change %s|%s|%s|%s|%s|%s', actor, action, entity, entity_key,
                              before - '{outlet_id,served_by,received_at}'::text[], after - '{outlet_id,served_by,received_at}'::text[])
                FROM change_log WHERE entity IN ('audit', 'evidence')
                ORDER BY 1
                """
            ).map { try $0.decode(0, as: String.self) }
            let events = try conn.query(
                """
                SELECT format('%s|%s|%s|%s', e.type, CASE WHEN x.id IS NULL THEN e.subject ELSE x.audit_id || '/' || x.item_code END,
                              e.payload - '{id,tenant,subject,action}'::text[], e.occurred_at)
                FROM outbox_events e LEFT JOIN actions x ON e.type LIKE 'action.%' AND x.id::text = e.subject
                ORDER BY e.seq
                """
            ).map { try $0.decode(0, as: String.self) }
            return (rows, events)
        }
    }

    /// In runs of one line, and of 3 and 5, the repeats of lines 1 and 2 (lines 6 and 7) fall in the
    /// run after theirs: that run is checked while theirs is written, before the database holds them.
    @Test(arguments: [1, 3, 5, AuditImport.batchSize])
    func importStoresWhatUploadsOneByOneStore(runSize: Int) async throws {
        let (database, imported) = try await TestDatabase.make()
        let uploaded = try await TestDatabase.createTenant(code: "uploads", in: database)
        try await Self.seed(imported, database)
        try await Self.seed(uploaded, database)
        let lines = try Self.lines()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("audits-\(UUID()).jsonl")
        try lines.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }

        let report = try await AuditImport.run(
            tenant: imported, file: file, submittedBy: "cli", options: ImportOptions(skipInvalid: true), now: AuditFixture.now,
            runSize: runSize, database: database)
        #expect(report.rows == 15)
        #expect(report.inserted == 9)
        #expect(report.updated == 1)
        #expect(report.unchanged == 2)
        #expect(report.rejected.map(\.line) == [7, 8, 9])
        #expect(report.rejected.map(\.fields) == [[lines[6]], [lines[7]], [lines[8]]])
        #expect(
            report.rejected[0].errors == [
                "line 7: conflict: audit 1a000000-0000-4000-8000-000000000002 was already uploaded with other content (state released); a changed upload needs a new id"
            ])
        #expect(report.rejected[1].errors.first?.hasPrefix("line 8: answers.S1: ") == true)

        var refused: [Int] = []
        for (index, line) in lines.enumerated() {
            do {
                _ = try await AuditQueries.submit(
                    tenant: uploaded, document: Data(line.utf8), submittedBy: "cli", now: AuditFixture.now, database: database)
            } catch {
                refused.append(index + 1)
            }
        }
        #expect(refused == [7, 8, 9])

        let fromImport = try await Self.stored(imported, database)
        let fromUploads = try await Self.stored(uploaded, database)
        #expect(fromImport.rows == fromUploads.rows)
        #expect(fromImport.events == fromUploads.events)
        // What the file exercises: actions opened and verified in line order, a warning, a flag.
        let actions = fromImport.rows.filter { $0.hasPrefix("action O") }
        #expect(actions.count == 4)
        // B0's and line 1's by line 2; line 4's by line 11, not by line 3 (released before it).
        #expect(actions.filter { $0.contains("|verified|") }.count == 3)
        #expect(fromImport.rows.contains { $0.contains("E8 is not assigned to outlet O2") })
        #expect(fromImport.rows.contains { $0.hasPrefix("audit 1a000000-0000-4000-8000-000000000005") && $0.contains("|{photo_reused}|") })
        #expect(fromImport.rows.contains { $0.hasPrefix("audit 1a000000-0000-4000-8000-000000000008") && $0.contains("|{rotation}|") })

        // Importing it again changes nothing.
        let again = try await AuditImport.run(
            tenant: imported, file: file, submittedBy: "cli", options: ImportOptions(skipInvalid: true), now: AuditFixture.now,
            runSize: runSize, database: database)
        #expect(again.inserted == 0 && again.updated == 0 && again.unchanged == 12)
        #expect(again.rejected.map(\.line) == [7, 8, 9])
        #expect(try await Self.stored(imported, database) == fromImport)
    }

    /// A good line, as text.
    static func good() throws -> String { line(try AuditFixture.document()) }

    static let badLine = "{\"id\": oops"

    @Test(arguments: [0, 2, 4])
    func badLineAnywhereFailsAllOrSkipsItAlone(at position: Int) async throws {
        let f = try await AuditFixture.make()
        var lines = try (0..<4).map { _ in try Self.good() }
        lines.insert(Self.badLine, at: position)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("audits-\(UUID()).jsonl")
        try lines.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }

        await #expect {
            try await AuditImport.run(tenant: f.tenant, file: file, submittedBy: "cli", now: AuditFixture.now, database: f.database)
        } throws: { error in
            guard case StoreError.invalid(let problems) = error else { return false }
            return problems.map(\.path) == ["line \(position + 1)"]
        }
        #expect(try await AuditQueries.list(tenant: f.tenant, database: f.database).items.isEmpty)

        let report = try await AuditImport.run(
            tenant: f.tenant, file: file, submittedBy: "cli", options: ImportOptions(skipInvalid: true), now: AuditFixture.now,
            database: f.database)
        #expect(report.rows == 5 && report.inserted == 4 && report.unchanged == 0)
        #expect(report.rejected.map(\.line) == [position + 1])
        #expect(report.rejected.map(\.fields) == [[Self.badLine]])
        #expect(try await AuditQueries.list(tenant: f.tenant, database: f.database).items.count == 4)
    }
}
