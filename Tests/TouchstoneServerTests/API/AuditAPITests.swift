import Foundation
import Hummingbird
import HummingbirdTesting
import PQ
import Testing
import TouchstoneStore

@Suite("HTTP: audit uploads, replays, export, bad input")
struct AuditAPITests {
    static let expectedExport = """
        id,template,version,outlet,visited_at,served_by,state,score,critical_failure,s_ARR,s_SRV,s_CLS,d_tangibles,d_responsiveness,d_empathy,d_assurance,d_reliability
        6f1c1d2e-6a55-4c1e-9a53-3f1f3b2f2a10,demo-visit,1,O1,2026-09-14T10:32:00+08:00,E7,released,61.98,false,87.50,46.67,,87.50,0.00,100.00,40.00,

        """

    @Test func sampleAuditScoresAndExportsOverHTTP() async throws {
        let app = try await TestApp.make()
        try await app.run { api in
            let upload = try await api.send(.post, "/api/v1/audits", as: "auditor", body: try TestApp.sampleAudit())
            #expect(upload.status == .created)
            #expect(upload.headers[.location] == "/api/v1/audits/\(TestApp.sampleID)")
            let receipt = upload.json
            #expect(receipt["id"] as? String == TestApp.sampleID)
            #expect(receipt["score"] as? String == "61.98")
            #expect(receipt["criticalFailure"] as? Bool == false)
            #expect(receipt["state"] as? String == "released")
            #expect(receipt["replayed"] as? Bool == false)
            let sections = receipt["sections"] as? [[String: Any]] ?? []
            #expect(sections.map { $0["code"] as? String } == ["ARR", "SRV", "CLS"])
            #expect(sections.map { $0["score"] as? String } == ["87.50", "46.67", nil])

            let export = try await api.send(.get, "/api/v1/exports/audits.csv?period=2026-09", as: "analyst")
            #expect(export.status == .ok)
            #expect(export.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(export.text == Self.expectedExport)
            let byTemplate = try await api.send(.get, "/api/v1/exports/audits.csv?period=2026-09&template=demo-visit", as: "admin")
            #expect(byTemplate.text == Self.expectedExport)

            let empty = try await api.send(.get, "/api/v1/exports/audits.csv?period=2026-08", as: "admin")
            #expect(empty.status == .unprocessableContent)
            #expect(empty.problemMessages == ["no audits in 2026-08"])
            let noPeriod = try await api.send(.get, "/api/v1/exports/audits.csv", as: "admin")
            #expect(noPeriod.status == .badRequest)
            #expect(noPeriod.problemPaths == ["period"])
            let badPeriod = try await api.send(.get, "/api/v1/exports/audits.csv?period=2026-13", as: "admin")
            #expect(badPeriod.status == .badRequest)
            #expect(try await api.send(.get, "/api/v1/exports/audits.csv?period=2026-09", as: "auditor").status == .forbidden)
        }
    }

    @Test func identicalReplayReturnsStoredReceiptAndChangedReplayConflicts() async throws {
        let app = try await TestApp.make()
        try await app.run { api in
            let first = try await api.send(.post, "/api/v1/audits", as: "auditor", body: try TestApp.sampleAudit())
            #expect(first.status == .created)
            let replay = try await api.send(.post, "/api/v1/audits", as: "auditor", body: try TestApp.sampleAudit())
            #expect(replay.status == .ok)
            #expect(replay.json["replayed"] as? Bool == true)
            #expect(try replay.canonicalJSON(without: "replayed") == first.canonicalJSON(without: "replayed"))

            let changed = try TestApp.document(
                id: TestApp.sampleID, answers: ["A1": "no", "A2": 4, "A3": "na", "S1": 75, "S2": "yes", "S3": "partial", "C1": "na"])
            let conflict = try await api.send(.post, "/api/v1/audits", as: "auditor", body: changed)
            #expect(conflict.status == .conflict)
            #expect(conflict.problem["code"] as? String == "conflict")

            let stored = try await api.send(.get, "/api/v1/audits/\(TestApp.sampleID)", as: "admin").json
            #expect(stored["score"] as? String == "61.98")
            let items = stored["items"] as? [[String: Any]] ?? []
            #expect(items.first { $0["item"] as? String == "A1" }?["answer"] as? String == "yes")
        }
    }

    @Test func thousandUploadsReplayedHalfConcurrentlyStayThousand() async throws {
        let app = try await TestApp.make()
        let documents = try (0..<1000).map { i in try TestApp.document(servedBy: i % 2 == 0 ? "E7" : "E8") }
        try await app.run { api in
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for document in documents[..<500] {
                    group.addTask { try await api.send(.post, "/api/v1/audits", as: "auditor", body: document).status.code }
                    group.addTask { try await api.send(.post, "/api/v1/audits", as: "auditor", body: document).status.code }
                }
                var statuses: [Int: Int] = [:]
                for try await status in group { statuses[status, default: 0] += 1 }
                return statuses
            }
            #expect(statuses == [201: 500, 200: 500])
            for document in documents[500...] {
                #expect(try await api.send(.post, "/api/v1/audits", as: "auditor", body: document).status == .created)
            }
            for document in documents {
                #expect(try await api.send(.post, "/api/v1/audits", as: "auditor", body: document).status == .ok)
            }
            var ids = Set<String>()
            var uri = "/api/v1/audits?limit=300"
            while true {
                let page = try await api.send(.get, uri, as: "admin").json
                for item in page["items"] as? [[String: Any]] ?? [] { ids.insert(item["id"] as? String ?? "") }
                guard let next = page["next"] as? String else { break }
                uri = "/api/v1/audits?limit=300&after=\(next)"
            }
            #expect(ids.count == 1000)
        }
        let count = try await app.database.tenantTransaction(app.tenant, readOnly: true) { conn in
            try conn.queryFirst("SELECT count(*) FROM audits")!.decode(0, as: Int.self)
        }
        #expect(count == 1000)
    }

    @Test func concurrentReplaysOfStoredAuditsAreAllOKAndStoreEachOnce() async throws {
        let app = try await TestApp.make()
        let ids = (0..<60).map { _ in UUID().uuidString.lowercased() }
        let documents = try ids.map { id in try TestApp.document(id: id) }
        try await app.run { api in
            for document in documents {
                _ = try await api.send(.post, "/api/v1/audits", as: "auditor", body: document)
            }
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for document in documents + documents.prefix(30) {
                    group.addTask { try await api.send(.post, "/api/v1/audits", as: "auditor", body: document).status }
                }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            #expect(statuses.count == 90)
            #expect(statuses.allSatisfy { $0 == .ok })
        }
        let page = try await AuditQueries.list(tenant: app.tenant, limit: 1000, database: app.database)
        #expect(page.items.count == 60)
        #expect(Set(page.items.map(\.id)) == Set(ids))
    }

    @Test func badInputIsA4xxWithAPreciseMessage() async throws {
        let app = try await TestApp.make()
        try await app.run { api in
            var statuses: [Int] = []
            func post(_ body: Data) async throws -> TestResponse {
                let response = try await api.send(.post, "/api/v1/audits", as: "auditor", body: body)
                statuses.append(response.status.code)
                return response
            }
            let malformed = try await post(Data(#"{"id": "x", "answers": {"A1": "yes",}}"#.utf8))
            #expect(malformed.status == .unprocessableContent)
            #expect(malformed.problemMessages.first?.hasPrefix("invalid JSON at line 1, column 37") == true)

            let notObject = try await post(Data("[1, 2]".utf8))
            #expect(notObject.status == .unprocessableContent)
            #expect(!notObject.problemMessages.isEmpty)

            let wrongTypes = try await post(
                try TestApp.document(
                    answers: ["A1": "maybe", "A2": "four", "A3": "na", "S1": "slow", "S2": "yes", "S3": 4, "C1": "na"]))
            #expect(wrongTypes.status == .unprocessableContent)
            #expect(Set(wrongTypes.problemPaths) == ["answers.A1", "answers.A2", "answers.S1", "answers.S3"])

            let unknown = try await post(
                try TestApp.document(
                    outlet: "NOPE", servedBy: "E999",
                    answers: ["A1": "yes", "A2": 4, "A3": "na", "S1": 75, "S2": "yes", "S3": "most", "C1": "na", "X9": "yes"]))
            #expect(unknown.status == .unprocessableContent)
            #expect(Set(unknown.problemPaths) == ["outlet", "servedBy", "answers.S3", "answers.X9"])
            #expect(unknown.problem["code"] as? String == "validation_failed")

            let unknownTemplate = try await post(try TestApp.document(template: "nope"))
            #expect(unknownTemplate.problemPaths == ["template"])

            let future = try await post(try TestApp.document(visitedAt: "2099-01-01T10:00:00+08:00"))
            #expect(future.problemPaths == ["visitedAt"])
            #expect(future.problemMessages.first?.contains("future") == true)

            let oversized = try await post(Data(("{\"pad\": \"" + String(repeating: "x", count: 1_200_000) + "\"}").utf8))
            #expect(oversized.status == .contentTooLarge)
            #expect(oversized.problem["code"] as? String == "payload_too_large")
            #expect(oversized.problem["message"] as? String == "Request body exceeds 1048576 bytes.")

            // Evidence routes take up to 20 MiB: 2 MiB of wrong bytes is refused for its hash, not its size.
            let id = UUID().uuidString.lowercased()
            #expect(try await api.send(.post, "/api/v1/audits", as: "auditor", body: try TestApp.document(id: id)).status == .created)
            let big = try await api.send(
                .put, "/api/v1/audits/\(id)/attachments/P1/front.jpg", as: "auditor",
                body: Data(repeating: 7, count: 2 << 20), headers: [.contentType: "image/jpeg"])
            statuses.append(big.status.code)
            #expect(big.status == .unprocessableContent)
            #expect(big.problemPaths == ["sha256"])
            let wrongHash = try await api.send(
                .put, "/api/v1/audits/\(id)/attachments/P1/front.jpg", as: "auditor",
                body: Data("tset".utf8), headers: [.contentType: "image/jpeg"])
            statuses.append(wrongHash.status.code)
            #expect(wrongHash.problemPaths == ["sha256"])
            #expect(wrongHash.problemMessages.first?.contains("expected \(TestApp.testSHA), got ") == true)
            let wrongType = try await api.send(
                .put, "/api/v1/audits/\(id)/attachments/P1/front.jpg", as: "auditor",
                body: Data("test".utf8), headers: [.contentType: "image/png"])
            statuses.append(wrongType.status.code)
            #expect(wrongType.problemMessages == ["declared image/jpeg, sent image/png"])
            let undeclared = try await api.send(
                .put, "/api/v1/audits/\(id)/attachments/P1/back.jpg", as: "auditor",
                body: Data("test".utf8), headers: [.contentType: "image/jpeg"])
            statuses.append(undeclared.status.code)
            #expect(undeclared.problemMessages.first?.contains("P1/back.jpg is not declared") == true)

            let badAction = try await api.send(.post, "/api/v1/audits/\(id)/review", as: "admin", json: ["action": "publish"])
            statuses.append(badAction.status.code)
            #expect(badAction.status == .badRequest)
            let badList = try await api.send(.get, "/api/v1/audits?state=done", as: "admin")
            statuses.append(badList.status.code)
            #expect(badList.problemPaths == ["state"])
            let badCursor = try await api.send(.get, "/api/v1/audits?after=nonsense", as: "admin")
            statuses.append(badCursor.status.code)
            #expect(badCursor.problemPaths == ["after"])
            let badLimit = try await api.send(.get, "/api/v1/audits?limit=0", as: "auditor")
            statuses.append(badLimit.status.code)
            #expect(badLimit.status == .badRequest)
            let truncated = try await post(Data(#"{"id": "#.utf8))
            #expect(truncated.status == .unprocessableContent || truncated.status == .badRequest)
            #expect(!truncated.problemMessages.isEmpty || truncated.problem["message"] != nil)
            #expect(statuses.allSatisfy { (400..<500).contains($0) }, "\(statuses)")
        }
    }

    @Test func batchGivesOneResultPerDocument() async throws {
        let app = try await TestApp.make()
        try await app.run { api in
            let sample = try JSONSerialization.jsonObject(with: try TestApp.sampleAudit())
            let bad = try JSONSerialization.jsonObject(with: try TestApp.document(outlet: "NOPE"))
            let response = try await api.send(.post, "/api/v1/audits/batch", as: "auditor", json: [sample, sample, bad, "nonsense"])
            #expect(response.status == .ok)
            let results = response.json["results"] as? [[String: Any]] ?? []
            #expect(results.map { $0["index"] as? Int } == [0, 1, 2, 3])
            #expect(results.map { $0["status"] as? Int } == [201, 200, 422, 422])
            #expect(results[0]["id"] as? String == TestApp.sampleID)
            #expect((results[0]["receipt"] as? [String: Any])?["score"] as? String == "61.98")
            #expect((results[1]["receipt"] as? [String: Any])?["replayed"] as? Bool == true)
            let error = results[2]["error"] as? [String: Any]
            #expect(((error?["details"] as? [[String: Any]])?.compactMap { $0["path"] as? String }) == ["outlet"])

            let notArray = try await api.send(.post, "/api/v1/audits/batch", as: "auditor", json: ["id": "x"])
            #expect(notArray.status == .badRequest)
            #expect(notArray.problem["message"] as? String == "the body must be a JSON array of audit documents")
            let tooMany = try await api.send(.post, "/api/v1/audits/batch", as: "auditor", json: Array(repeating: 1, count: 501))
            #expect(tooMany.status == .badRequest)
            #expect(tooMany.problem["message"] as? String == "at most 500 documents per batch (got 501)")
        }
    }
}
