import Foundation
import Hummingbird
import HummingbirdTesting
import NIOFoundationCompat
import Testing
import TouchstoneCore
import TouchstoneServer
import TouchstoneStore
import TouchstoneTestSupport

/// Audits through the real HTTP application and a real PostgreSQL.
@Suite struct AuditEndpointTests {
    static let sampleID = "6f1c1d2e-6a55-4c1e-9a53-3f1f3b2f2a10"

    @Test func sampleScoresThroughHTTPAndReplaysAreIdempotent() async throws {
        let app = try await TestApp.make()
        let auditor = app.tokens["auditor"]
        try await app.application.test(.router) { client in
            let document = try TestApp.sampleAudit()
            try await client.execute(uri: "/api/v1/audits", method: .post, headers: TestApp.headers(auditor), body: ByteBuffer(data: document)) { response in
                #expect(response.status == .created)
                let receipt = response.json
                #expect(receipt["score"] as? String == "61.98")
                #expect(receipt["criticalFailure"] as? Bool == false)
                #expect(receipt["replayed"] as? Bool == false)
                let sections = receipt["sections"] as? [[String: Any]] ?? []
                #expect(sections.map { $0["code"] as? String } == ["ARR", "SRV", "CLS"])
                #expect(sections.map { $0["score"] as? String } == ["87.50", "46.67", nil])
            }
            try await client.execute(uri: "/api/v1/audits", method: .post, headers: TestApp.headers(auditor), body: ByteBuffer(data: document)) { response in
                #expect(response.status == .ok)
                #expect(response.json["replayed"] as? Bool == true)
                #expect(response.json["score"] as? String == "61.98")
            }
            let changed = try TestApp.sampleAudit { $0["answers"] = ($0["answers"] as! [String: Any]).merging(["A1": "no"]) { $1 } }
            try await client.execute(uri: "/api/v1/audits", method: .post, headers: TestApp.headers(auditor), body: ByteBuffer(data: changed)) { response in
                #expect(response.status == .conflict)
                #expect((response.json["error"] as? [String: Any])?["code"] as? String == "conflict")
            }
            try await client.execute(uri: "/api/v1/audits/\(Self.sampleID)", method: .get, headers: TestApp.headers(auditor)) { response in
                #expect(response.status == .ok)
                #expect(response.json["score"] as? String == "61.98")
            }
            try await client.execute(uri: "/api/v1/exports/audits.csv?period=2026-09", method: .get, headers: TestApp.headers(auditor)) { response in
                #expect(response.status == .forbidden)
            }
            let export = try await client.execute(uri: "/api/v1/exports/audits.csv?period=2026-09", method: .get, headers: TestApp.headers(app.tokens["analyst"]))
            #expect(export.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(String(buffer: export.body) == """
            id,template,version,outlet,visited_at,served_by,state,score,critical_failure,s_ARR,s_SRV,s_CLS,d_tangibles,d_responsiveness,d_empathy,d_assurance,d_reliability
            6f1c1d2e-6a55-4c1e-9a53-3f1f3b2f2a10,demo-visit,1,O1,2026-09-14T10:32:00+08:00,E7,released,61.98,false,87.50,46.67,,87.50,0.00,100.00,40.00,

            """)
        }
    }

    @Test func concurrentReplaysStoreEachAuditOnce() async throws {
        let app = try await TestApp.make()
        let auditor = app.tokens["auditor"]
        let ids = (0..<60).map { _ in UUID().uuidString.lowercased() }
        let documents = try ids.map { id in try TestApp.sampleAudit { $0["id"] = id } }
        try await app.application.test(.router) { client in
            for document in documents {
                _ = try await client.execute(uri: "/api/v1/audits", method: .post, headers: TestApp.headers(auditor), body: ByteBuffer(data: document))
            }
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for document in documents + documents.prefix(30) {
                    group.addTask {
                        try await client.execute(uri: "/api/v1/audits", method: .post, headers: TestApp.headers(auditor), body: ByteBuffer(data: document)).status
                    }
                }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0 == .ok })
        }
        let page = try await AuditQueries.list(tenant: app.tenant, limit: 1000, database: app.database)
        #expect(page.items.count == 60)
        #expect(Set(page.items.map(\.id)) == Set(ids))
    }

    @Test func badInputGetsPrecise4xxNever5xx() async throws {
        let app = try await TestApp.make()
        let auditor = app.tokens["auditor"]
        try await app.application.test(.router) { client in
            try await client.execute(uri: "/api/v1/audits", method: .post, headers: TestApp.headers(auditor), body: ByteBuffer(string: "{\"id\": ")) { response in
                #expect(response.status == .unprocessableContent || response.status == .badRequest)
                #expect(!(((response.json["error"] as? [String: Any])?["details"] as? [[String: Any]]) ?? []).isEmpty
                        || (response.json["error"] as? [String: Any])?["message"] != nil)
            }
            let wrong = try TestApp.sampleAudit {
                $0["answers"] = ($0["answers"] as! [String: Any]).merging(["A2": "four", "ZZ": "yes", "S3": "most"]) { $1 }
                $0["outlet"] = "O404"
            }
            try await client.execute(uri: "/api/v1/audits", method: .post, headers: TestApp.headers(auditor), body: ByteBuffer(data: wrong)) { response in
                #expect(response.status == .unprocessableContent)
                let paths = Set(((response.json["error"] as? [String: Any])?["details"] as? [[String: Any]] ?? []).compactMap { $0["path"] as? String })
                #expect(paths.isSuperset(of: ["outlet", "answers.A2", "answers.ZZ", "answers.S3"]))
            }
            let huge = ByteBuffer(repeating: UInt8(ascii: " "), count: 2 << 20)
            try await client.execute(uri: "/api/v1/audits", method: .post, headers: TestApp.headers(auditor), body: huge) { response in
                #expect(response.status == .contentTooLarge)
            }
            _ = try await client.execute(uri: "/api/v1/audits", method: .post, headers: TestApp.headers(auditor), body: ByteBuffer(data: try TestApp.sampleAudit()))
            try await client.execute(
                uri: "/api/v1/audits/\(Self.sampleID)/attachments/P1/front.jpg", method: .put,
                headers: TestApp.headers(auditor, contentType: "image/jpeg"), body: ByteBuffer(string: "not the declared bytes")
            ) { response in
                #expect(response.status == .unprocessableContent)
                #expect(String(buffer: response.body).contains("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"))
            }
            try await client.execute(uri: "/api/v1/audits?limit=0", method: .get, headers: TestApp.headers(auditor)) { response in
                #expect(response.status == .badRequest)
            }
        }
    }

    @Test func uploadEvidenceDisputeAcceptRescores() async throws {
        let app = try await TestApp.make()
        try await app.application.test(.router) { client in
            _ = try await client.execute(
                uri: "/api/v1/audits", method: .post, headers: TestApp.headers(app.tokens["auditor"]), body: ByteBuffer(data: try TestApp.sampleAudit()))
            try await client.execute(
                uri: "/api/v1/audits/\(Self.sampleID)/attachments/P1/front.jpg", method: .put,
                headers: TestApp.headers(app.tokens["auditor"], contentType: "image/jpeg"), body: ByteBuffer(string: "test")
            ) { response in
                #expect(response.status == .ok)
            }
            let dispute = #"{"items": [{"item": "S1", "reason": "the clock was wrong", "proposedAnswer": 50}]}"#
            try await client.execute(
                uri: "/api/v1/audits/\(Self.sampleID)/disputes", method: .post, headers: TestApp.headers(app.tokens["om2"]), body: ByteBuffer(string: dispute)
            ) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(
                uri: "/api/v1/audits/\(Self.sampleID)/disputes", method: .post, headers: TestApp.headers(app.tokens["om1"]), body: ByteBuffer(string: dispute)
            ) { response in
                #expect(response.status == .ok)
                #expect(response.json["state"] as? String == "disputed")
            }
            try await client.execute(
                uri: "/api/v1/audits/\(Self.sampleID)/disputes/S1/decision", method: .post, headers: TestApp.headers(app.tokens["om1"]),
                body: ByteBuffer(string: #"{"accept": true, "reason": "checked the video"}"#)
            ) { response in
                #expect(response.status == .forbidden)
            }
            try await client.execute(
                uri: "/api/v1/audits/\(Self.sampleID)/disputes/S1/decision", method: .post, headers: TestApp.headers(app.tokens["admin"]),
                body: ByteBuffer(string: #"{"accept": true, "reason": "checked the video"}"#)
            ) { response in
                #expect(response.status == .ok)
                #expect(response.json["state"] as? String == "final")
                #expect(response.json["score"] as? String == "82.81")
            }
            try await client.execute(uri: "/api/v1/audits/\(Self.sampleID)", method: .get, headers: TestApp.headers(app.tokens["admin"])) { response in
                let record = response.json
                #expect(record["score"] as? String == "82.81")
                let states = (record["transitions"] as? [[String: Any]] ?? []).compactMap { $0["to"] as? String }
                #expect(states == ["submitted", "released", "disputed", "final"])
                #expect((record["scoreHistory"] as? [Any])?.count == 2)
            }
        }
    }

    @Test func everyRoleSeesOnlyItsOwn() async throws {
        let app = try await TestApp.make()
        let other = try await TestDatabase.createTenant(code: "other", in: app.database)
        try await IdentityQueries.addUser(tenant: other, login: "boss", displayName: nil, role: .admin, database: app.database)
        let foreign = try await IdentityQueries.createToken(tenant: other, login: "boss", label: nil, days: 1, database: app.database).token
        try await app.application.test(.router) { client in
            _ = try await client.execute(
                uri: "/api/v1/audits", method: .post, headers: TestApp.headers(app.tokens["auditor"]), body: ByteBuffer(data: try TestApp.sampleAudit()))
            let audit = "/api/v1/audits/\(Self.sampleID)"
            let expectations: [(String?, HTTPResponse.Status)] = [
                (app.tokens["admin"], .ok), (app.tokens["analyst"], .ok), (app.tokens["rm"], .ok), (app.tokens["om1"], .ok),
                (app.tokens["auditor"], .ok), (app.tokens["om2"], .notFound), (app.tokens["auditor2"], .notFound),
                (foreign, .notFound), (nil, .unauthorized), ("tst_forged", .unauthorized),
            ]
            for (token, status) in expectations {
                let response = try await client.execute(uri: audit, method: .get, headers: TestApp.headers(token))
                #expect(response.status == status, "token \(token ?? "none")")
            }
            try await client.execute(uri: "/api/v1/audits", method: .get, headers: TestApp.headers(app.tokens["auditor2"])) { response in
                #expect((response.json["items"] as? [Any])?.isEmpty == true)
            }
            try await client.execute(
                uri: "/api/v1/audits", method: .post, headers: TestApp.headers(app.tokens["e8"]), body: ByteBuffer(data: try TestApp.sampleAudit())
            ) { response in
                #expect(response.status == .forbidden)
            }
            try await client.execute(uri: "/api/v1/outlets", method: .get, headers: TestApp.headers(app.tokens["rm"])) { response in
                #expect((response.json["items"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String } == ["O1", "O2"])
            }
            try await client.execute(uri: "/api/v1/outlets/O3", method: .get, headers: TestApp.headers(app.tokens["rm"])) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/api/v1/outlets/O1", method: .get, headers: TestApp.headers(foreign)) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/api/v1/staff", method: .get, headers: TestApp.headers(app.tokens["e8"])) { response in
                #expect((response.json["items"] as? [[String: Any]] ?? []).compactMap { $0["employeeNo"] as? String } == ["E8"])
            }
        }
    }

    @Test func outletsAndStaffAreCreatedAndUpdatedByHeadOffice() async throws {
        let app = try await TestApp.make()
        try await app.application.test(.router) { client in
            let outlet = #"{"code": "O9", "name": "新店", "regionPath": "华南/广州", "openedOn": "2026-01-02"}"#
            try await client.execute(uri: "/api/v1/outlets", method: .post, headers: TestApp.headers(app.tokens["analyst"]), body: ByteBuffer(string: outlet)) { response in
                #expect(response.status == .forbidden)
            }
            try await client.execute(uri: "/api/v1/outlets", method: .post, headers: TestApp.headers(app.tokens["admin"]), body: ByteBuffer(string: outlet)) { response in
                #expect(response.status == .created)
            }
            try await client.execute(uri: "/api/v1/outlets", method: .post, headers: TestApp.headers(app.tokens["admin"]), body: ByteBuffer(string: outlet)) { response in
                #expect(response.status == .conflict)
            }
            let renamed = #"{"code": "O9", "name": "新店二", "regionPath": "华南/深圳"}"#
            try await client.execute(uri: "/api/v1/outlets/O9", method: .put, headers: TestApp.headers(app.tokens["admin"]), body: ByteBuffer(string: renamed)) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/api/v1/outlets/O9", method: .get, headers: TestApp.headers(app.tokens["admin"])) { response in
                #expect(response.json["name"] as? String == "新店二")
                #expect(response.json["regionPath"] as? String == "华南/深圳")
            }
            let overlapping = #"{"employeeNo": "N1", "name": "新人", "assignments": [{"outlet": "O9", "role": "cashier", "start": "2026-01-01", "end": "2026-03-31"}, {"outlet": "O1", "role": "cashier", "start": "2026-03-01"}]}"#
            try await client.execute(uri: "/api/v1/staff", method: .post, headers: TestApp.headers(app.tokens["admin"]), body: ByteBuffer(string: overlapping)) { response in
                #expect(response.status == .unprocessableContent)
                #expect(String(buffer: response.body).contains("assignments[1].start"))
            }
            try await client.execute(uri: "/api/v1/outlets?limit=2", method: .get, headers: TestApp.headers(app.tokens["admin"])) { response in
                #expect(response.json["next"] as? String == "O2")
            }
        }
    }

    @Test func templatesAreVersionedAndValidated() async throws {
        let app = try await TestApp.make()
        let admin = app.tokens["admin"]
        let template = try String(contentsOf: TestApp.sample("template-demo-visit.json"), encoding: .utf8)
        try await app.application.test(.router) { client in
            try await client.execute(uri: "/api/v1/templates", method: .post, headers: TestApp.headers(admin), body: ByteBuffer(string: template)) { response in
                #expect(response.status == .ok)
                #expect(response.json["outcome"] as? String == "unchanged")
            }
            let second = template.replacingOccurrences(of: "\"version\": 1", with: "\"version\": 2")
            try await client.execute(uri: "/api/v1/templates", method: .post, headers: TestApp.headers(admin), body: ByteBuffer(string: second)) { response in
                #expect(response.status == .created)
            }
            let broken = template.replacingOccurrences(of: "\"weight\": 30", with: "\"weight\": 0")
            try await client.execute(uri: "/api/v1/templates", method: .post, headers: TestApp.headers(admin), body: ByteBuffer(string: broken)) { response in
                #expect(response.status == .unprocessableContent)
                #expect(String(buffer: response.body).contains("sections[0].weight"))
            }
            try await client.execute(uri: "/api/v1/templates", method: .get, headers: TestApp.headers(app.tokens["auditor"])) { response in
                let versions = (response.json["items"] as? [[String: Any]] ?? []).compactMap { $0["version"] as? Int }
                #expect(versions.sorted() == [1, 2])
            }
            try await client.execute(uri: "/api/v1/templates/demo-visit/2", method: .get, headers: TestApp.headers(app.tokens["auditor"])) { response in
                #expect(response.status == .ok)
                #expect((response.json["sections"] as? [Any])?.count == 3)
            }
            try await client.execute(uri: "/api/v1/templates", method: .get, headers: TestApp.headers(app.tokens["e8"])) { response in
                #expect(response.status == .forbidden)
            }
        }
    }
}
