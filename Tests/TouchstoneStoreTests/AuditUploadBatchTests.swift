import Foundation
import PQ
import Testing
import TouchstoneCore
import TouchstoneStore
import TouchstoneTestSupport

/// Uploads stored together (a batch request, or single uploads that arrive together) must give
/// each document what uploading it alone gives, and store what uploading them one by one stores.
@Suite("Uploads stored together, each as if alone")
struct AuditUploadBatchTests {
    /// The import's file of every outcome (new audits opening and verifying actions, repeats of an
    /// id, bad documents, a resubmission, an upper-case id, an upload from the field) in one call.
    @Test func submitManyStoresWhatUploadsOneByOneStore() async throws {
        let (database, together) = try await TestDatabase.make()
        let alone = try await TestDatabase.createTenant(code: "alone", in: database)
        try await AuditImportSetTests.seed(together, database)
        try await AuditImportSetTests.seed(alone, database)
        let documents = try AuditImportSetTests.lines().map { Data($0.utf8) }

        let results = try await AuditQueries.submitMany(
            tenant: together, documents: documents, submittedBy: "cli", now: AuditFixture.now, database: database)
        var expected: [Result<AuditReceipt, any Error>] = []
        for document in documents {
            expected.append(
                await Result {
                    try await AuditQueries.submit(tenant: alone, document: document, submittedBy: "cli", now: AuditFixture.now, database: database)
                })
        }

        #expect(results.count == documents.count)
        for (index, (got, want)) in zip(results, expected).enumerated() {
            switch (got, want) {
            case (.success(let receipt), .success(let wanted)): #expect(receipt == wanted, "document \(index)")
            case (.failure(let error), .failure(let wanted)): #expect("\(error)" == "\(wanted)", "document \(index)")
            default: Issue.record("document \(index): \(got), uploaded alone \(want)")
            }
        }
        #expect(results.indices.filter { (try? results[$0].get()) == nil } == [6, 7, 8])
        #expect(results.compactMap { try? $0.get().replayed }.filter { $0 }.count == 2)
        let fromBatch = try await AuditImportSetTests.stored(together, database)
        let fromUploads = try await AuditImportSetTests.stored(alone, database)
        #expect(fromBatch.rows == fromUploads.rows)
        #expect(fromBatch.events == fromUploads.events)
        #expect(fromBatch.rows.contains { $0.hasPrefix("audit 1a000000-0000-4000-8000-000000000008") && $0.contains("|{rotation}|") })
    }

    /// A run whose insert meets an id another transaction wrote after the run was checked is
    /// refused as a whole and taken document by document: the others are stored, that one is
    /// refused as a changed upload of the stored audit.
    @Test func aRunTheDatabaseRefusesGoesDocumentByDocument() async throws {
        let f = try await AuditFixture.make()
        let stored = try await f.submit(try AuditFixture.document(visitedAt: "2026-09-10T10:00:00+08:00"))
        let raced = "2c000000-0000-4000-8000-000000000001"
        let documents = try [
            AuditFixture.document(), AuditFixture.document(id: raced, answers: AuditImportSetTests.answers(s2: "no")), AuditFixture.document(),
        ]
        let inserted = Flag()
        // Another transaction writes the id (a copy of the stored audit) and commits after the batch has read its references.
        async let other: Void = f.database.tenantTransaction(f.tenant) { conn in
            try conn.execute(
                """
                INSERT INTO audits SELECT (jsonb_populate_record(a, jsonb_build_object('id', \(raced)::text))).*
                FROM audits a WHERE a.id = \(stored.id)::uuid
                """)
            inserted.set()
            Thread.sleep(forTimeInterval: 1.5)
        }
        while !inserted.isSet { try await Task.sleep(for: .milliseconds(10)) }
        let results = try await AuditQueries.submitMany(
            tenant: f.tenant, documents: documents, submittedBy: "agency-07", now: AuditFixture.now, database: f.database)
        try await other

        #expect((try? results[0].get())?.replayed == false)
        #expect((try? results[2].get())?.replayed == false)
        guard case .failure(StoreError.conflict(let message)) = results[1] else {
            Issue.record("the raced id: \(results[1])")
            return
        }
        #expect(message.hasPrefix("audit \(raced) was already uploaded with other content"))
        let count = try await f.database.tenantTransaction(f.tenant, readOnly: true) { conn in
            try conn.queryFirst("SELECT count(*) FROM audits")!.decode(0, as: Int.self)
        }
        #expect(count == 4)
    }

    /// Uploads arriving together through the queue: one transaction takes those that wait, each
    /// gets its own receipt or error, and an id sent twice at once is stored once.
    @Test func uploadsThatArriveTogetherAreStoredTogether() async throws {
        let f = try await AuditFixture.make()
        let queue = AuditUploadQueue(database: f.database, maxInFlight: 1)
        let twice = try AuditFixture.document()
        let documents = try (0..<30).map { _ in try AuditFixture.document() } + [twice, twice, try AuditFixture.document(outlet: "NOPE")]
        let results = await withTaskGroup(of: (Int, Result<AuditReceipt, any Error>).self) { group in
            for (index, document) in documents.enumerated() {
                group.addTask {
                    (index, await Result { try await queue.submit(tenant: f.tenant, document: document, submittedBy: "agency-07", scope: .all) })
                }
            }
            var results: [Int: Result<AuditReceipt, any Error>] = [:]
            for await (index, result) in group { results[index] = result }
            return results
        }

        for index in 0..<30 {
            let id = try JSONSerialization.jsonObject(with: documents[index]) as! [String: Any]
            #expect((try? results[index]!.get())?.id == id["id"] as? String)
            #expect((try? results[index]!.get())?.replayed == false)
        }
        #expect([try results[30]!.get().replayed, try results[31]!.get().replayed].sorted { !$0 && $1 } == [false, true])
        guard case .failure(StoreError.invalid(let problems)) = results[32]! else {
            Issue.record("the unknown outlet: \(String(describing: results[32]))")
            return
        }
        #expect(problems.map(\.path) == ["outlet"])
        let (count, transactions) = try await f.database.tenantTransaction(f.tenant, readOnly: true) { conn in
            try conn.queryFirst("SELECT count(*), count(DISTINCT submitted_at) FROM audits")!.decode((Int, Int).self)
        }
        #expect(count == 31)
        // One transaction in flight at a time: those that waited were stored together.
        #expect(transactions < 31)
    }
}

extension AuditUploadBatchTests {
    /// A request cancelled (its client gone) while its upload waits or leads a transaction:
    /// every upload is stored and answered, its own included.
    @Test func aClientThatGoesAwayCancelsNoOneElsesUpload() async throws {
        let f = try await AuditFixture.make()
        let queue = AuditUploadQueue(database: f.database, maxInFlight: 1)
        let tasks = try (0..<20).map { _ in
            let document = try AuditFixture.document()
            return Task { try await queue.submit(tenant: f.tenant, document: document, submittedBy: "agency-07", scope: .all) }
        }
        for (index, task) in tasks.enumerated() where index % 2 == 0 { task.cancel() }
        var answered = 0
        for task in tasks where (try? await task.value) != nil { answered += 1 }
        #expect(answered == 20)
        let count = try await f.database.tenantTransaction(f.tenant, readOnly: true) { conn in
            try conn.queryFirst("SELECT count(*) FROM audits")!.decode(0, as: Int.self)
        }
        #expect(count == 20)
    }
}

/// A flag set on one thread and read on another.
private final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    func set() {
        lock.withLock { value = true }
    }

    var isSet: Bool { lock.withLock { value } }
}

extension Result where Failure == any Error {
    /// The result of `body`.
    init(catching body: () async throws -> Success) async {
        do {
            self = .success(try await body())
        } catch {
            self = .failure(error)
        }
    }
}
