import Foundation
import Testing
import TouchstoneCore
import TouchstoneStore
import TouchstoneTestSupport

@Suite("Audits: upload, scoring, idempotency, validation, export")
struct AuditTests {
    static let expectedExport = """
        id,template,version,outlet,visited_at,served_by,state,score,critical_failure,s_ARR,s_SRV,s_CLS,d_tangibles,d_responsiveness,d_empathy,d_assurance,d_reliability
        6f1c1d2e-6a55-4c1e-9a53-3f1f3b2f2a10,demo-visit,1,O1,2026-09-14T10:32:00+08:00,E7,released,61.98,false,87.50,46.67,,87.50,0.00,100.00,40.00,

        """

    @Test func sampleScoresAndExportsExactly() async throws {
        let f = try await AuditFixture.make()
        let receipt = try await f.submit(try AuditFixture.sampleDocument)
        #expect(receipt.id == AuditFixture.sampleID)
        #expect(receipt.score == "61.98")
        #expect(receipt.criticalFailure == false)
        #expect(receipt.state == .released)
        #expect(receipt.replayed == false)
        #expect(receipt.sections.map(\.code) == ["ARR", "SRV", "CLS"])
        #expect(receipt.sections.map(\.score) == ["87.50", "46.67", nil])
        #expect(receipt.dimensions.map(\.dimension) == ["tangibles", "responsiveness", "empathy", "assurance", "reliability"])
        #expect(receipt.dimensions.map(\.score) == ["87.50", "0.00", "100.00", "40.00", nil])
        #expect(receipt.missingEvidence.isEmpty)
        #expect(receipt.warnings.isEmpty)
        #expect(try await f.export() == Self.expectedExport)
    }

    @Test func importJSONLThenExport() async throws {
        let f = try await AuditFixture.make()
        let file = TestDatabase.samplesDirectory.appendingPathComponent("audits.jsonl")
        let first = try await AuditImport.run(tenant: f.tenant, file: file, submittedBy: "cli", now: AuditFixture.now, database: f.database)
        #expect(first.inserted == 1)
        let again = try await AuditImport.run(tenant: f.tenant, file: file, submittedBy: "cli", now: AuditFixture.now, database: f.database)
        #expect(again.inserted == 0 && again.unchanged == 1)
        #expect(try await f.export(template: "demo-visit") == Self.expectedExport)
        // A period cut in the tenant's time zone: the visit is not in August or October.
        #expect(try await f.export(period: "2026-10", template: "demo-visit").split(separator: "\n").count == 1)
    }

    @Test func importIsAllOrNothingAndNamesLineAndPath() async throws {
        let f = try await AuditFixture.make()
        let good = String(decoding: try AuditFixture.document(), as: UTF8.self)
        let bad = String(
            decoding: try AuditFixture.document(answers: ["A1": "yes", "A2": 4, "A3": "na", "S1": "slow", "S2": "yes", "S3": "partial", "C1": "na"]),
            as: UTF8.self)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("audits-\(UUID()).jsonl")
        try (good + "\n\n" + bad + "\n").write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        await #expect {
            try await AuditImport.run(tenant: f.tenant, file: file, submittedBy: "cli", now: AuditFixture.now, database: f.database)
        } throws: { error in
            guard case StoreError.invalid(let problems) = error else { return false }
            return problems.map(\.path) == ["line 3: answers.S1"]
        }
        #expect(try await AuditQueries.list(tenant: f.tenant, database: f.database).items.isEmpty)
        let report = try await AuditImport.run(
            tenant: f.tenant, file: file, submittedBy: "cli", options: ImportOptions(skipInvalid: true),
            now: AuditFixture.now, database: f.database)
        #expect(report.inserted == 1)
        #expect(report.rejected.map(\.line) == [3])
        #expect(report.rejected.first?.errors.first?.hasPrefix("line 3: answers.S1: ") == true)
    }

    @Test func identicalReplayReturnsStoredReceiptAndChangedReplayConflicts() async throws {
        let f = try await AuditFixture.make()
        let first = try await f.submit(try AuditFixture.sampleDocument)
        // Same content, other key order and spelling of numbers.
        let reordered = try AuditFixture.document(
            id: AuditFixture.sampleID,
            answers: ["C2": "等候区无人引导", "C1": "na", "S3": "partial", "S2": "yes", "S1": 75.0, "A3": "na", "A2": 4, "A1": "yes"])
        let replay = try await f.submit(reordered, now: AuditFixture.now.addingTimeInterval(3600))
        var expected = first
        expected.replayed = true
        #expect(replay == expected)

        let changed = try AuditFixture.document(
            id: AuditFixture.sampleID,
            answers: ["A1": "no", "A2": 4, "A3": "na", "S1": 75, "S2": "yes", "S3": "partial", "C1": "na"])
        await #expect {
            try await f.submit(changed)
        } throws: { error in
            if case StoreError.conflict = error { return true } else { return false }
        }
        let stored = try await AuditQueries.get(tenant: f.tenant, id: AuditFixture.sampleID, database: f.database)
        #expect(stored.score == "61.98")
        #expect(stored.items.first { $0.item == "A1" }?.answer == .text("yes"))
        #expect(stored.scoreHistory.count == 1)
        #expect(stored.transitions.map(\.to) == [.submitted, .released])
    }

    @Test func thousandUploadsReplayedConcurrentlyStayThousand() async throws {
        let f = try await AuditFixture.make()
        let documents = try (0..<1000).map { i in
            try AuditFixture.document(id: UUID().uuidString.lowercased(), servedBy: i % 2 == 0 ? "E7" : "E8")
        }
        // Half concurrently, each twice at once (the second waits for the first and replays).
        try await withThrowingTaskGroup(of: AuditReceipt.self) { group in
            for document in documents[..<500] {
                group.addTask { try await f.submit(document) }
                group.addTask { try await f.submit(document) }
            }
            var replayed = 0
            for try await receipt in group where receipt.replayed { replayed += 1 }
            #expect(replayed == 500)
        }
        for document in documents[500...] { _ = try await f.submit(document) }
        // Then every id again.
        for document in documents {
            let receipt = try await f.submit(document)
            #expect(receipt.replayed)
        }
        var count = 0
        var after: String?
        repeat {
            let page = try await AuditQueries.list(tenant: f.tenant, after: after, limit: 300, database: f.database)
            count += page.items.count
            after = page.next
        } while after != nil
        #expect(count == 1000)
    }

    @Test func validationListsEveryProblemWithItsPath() async throws {
        let f = try await AuditFixture.make()
        let document = try AuditFixture.document(
            outlet: "NOPE", visitedAt: "2026-09-14T10:32:00", servedBy: "E999",
            answers: ["A1": "maybe", "A2": 4, "A3": "na", "S1": 75, "S2": "na", "S3": "partial", "C1": "na", "X9": "yes"])
        await #expect {
            try await f.submit(document)
        } throws: { error in
            guard case StoreError.invalid(let problems) = error else { return false }
            let paths = Set(problems.map(\.path))
            return paths == ["visitedAt", "outlet", "servedBy", "answers.A1", "answers.S2", "answers.X9"]
        }
        let missing = try AuditFixture.document(template: "nope", answers: ["A1": "yes"])
        await #expect {
            try await f.submit(missing)
        } throws: { error in
            guard case StoreError.invalid(let problems) = error else { return false }
            return problems.map(\.path) == ["template"]
        }
        let missingAnswer = try AuditFixture.document(answers: ["A1": "yes", "A2": 4, "A3": "na", "S1": 75, "S2": "yes", "C1": "na"])
        await #expect {
            try await f.submit(missingAnswer)
        } throws: { error in
            guard case StoreError.invalid(let problems) = error else { return false }
            return problems.map(\.path) == ["answers.S3"] && problems[0].message.contains("missing")
        }
        let future = try AuditFixture.document(version: 2, visitedAt: "2026-09-16T10:00:00+08:00")
        await #expect {
            try await f.submit(future)
        } throws: { error in
            guard case StoreError.invalid(let problems) = error else { return false }
            return Set(problems.map(\.path)) == ["visitedAt", "templateVersion"]
                && problems.contains { $0.message.contains("future") }
        }
    }

    @Test func servedByNotAssignedThatDayIsAWarning() async throws {
        let f = try await AuditFixture.make()
        // E7 moved from O1 to O2 on 2026-09-21.
        let receipt = try await f.submit(
            try AuditFixture.document(visitedAt: "2026-09-22T10:00:00+08:00"),
            now: Instant.parse("2026-09-23T00:00:00+08:00")!)
        #expect(receipt.warnings.map(\.path) == ["servedBy"])
        #expect(receipt.warnings.first?.message.contains("2026-09-22") == true)
        #expect(receipt.state == .released)
    }

    @Test func templateVersionsAreImmutableOnceUsed() async throws {
        let f = try await AuditFixture.make()
        let original = try Data(contentsOf: TestDatabase.samplesDirectory.appendingPathComponent("template-demo-visit.json"))
        #expect(try await TemplateQueries.add(tenant: f.tenant, json: original, database: f.database).outcome == .unchanged)
        let renamed = try AuditFixture.sampleTemplate { $0["name"] = "renamed" }
        #expect(try await TemplateQueries.add(tenant: f.tenant, json: renamed, database: f.database).outcome == .replaced)
        _ = try await f.submit(try AuditFixture.sampleDocument)
        await #expect {
            try await TemplateQueries.add(tenant: f.tenant, json: original, database: f.database)
        } throws: { error in
            if case StoreError.immutable = error { return true } else { return false }
        }
        let v2 = try AuditFixture.sampleTemplate { $0["version"] = 2 }
        #expect(try await TemplateQueries.add(tenant: f.tenant, json: v2, database: f.database).outcome == .created)
        #expect(try await TemplateQueries.latest(tenant: f.tenant, code: "demo-visit", database: f.database).version == 2)
        #expect(try await TemplateQueries.get(tenant: f.tenant, code: "demo-visit", version: 1, database: f.database).name == "renamed")
        let list = try await TemplateQueries.list(tenant: f.tenant, database: f.database)
        #expect(list.map(\.version) == [1, 2])
        #expect(list.map(\.audits) == [1, 0])
    }
}
