import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TouchstoneCore
import TouchstoneServer
import TouchstoneStore

@Suite("HTTP: change log and upload rate limits")
struct ChangeLogAPITests {
    @Test func changesNameTheCallerWithBeforeAndAfterAndOnlyHeadOfficeReadsThem() async throws {
        let app = try await TestApp.make()
        try await app.run { api in
            let new = ["code": "O4", "name": "静安店", "regionPath": "华东/上海/静安"]
            #expect(try await api.send(.post, "/api/v1/outlets", as: "admin", json: new).status == .created)
            #expect(
                try await api.send(.put, "/api/v1/outlets/O4", as: "admin", json: ["code": "O4", "name": "静安旗舰店", "regionPath": "华东/上海/静安"]).status
                    == .ok)
            #expect(try await api.send(.post, "/api/v1/audits", as: "auditor", body: try TestApp.document()).status == .created)

            let outlets = try await api.send(.get, "/api/v1/changes?entity=outlet", as: "analyst")
            #expect(outlets.status == .ok)
            let items = try #require(outlets.json["items"] as? [[String: Any]])
            let o4 = items.filter { $0["key"] as? String == "O4" }
            #expect(o4.map { $0["action"] as? String } == ["insert", "update"])
            #expect(o4.map { $0["actor"] as? String } == ["admin", "admin"])
            #expect((o4[1]["before"] as? [String: Any])?["name"] as? String == "静安店")
            #expect((o4[1]["after"] as? [String: Any])?["name"] as? String == "静安旗舰店")
            // The sample import is one summary row with its counts and the file's digest.
            let imports = try await api.send(.get, "/api/v1/changes?entity=outlets", as: "admin").json["items"] as? [[String: Any]]
            let summary = try #require(imports?.first)
            #expect(summary["action"] as? String == "import")
            #expect((summary["after"] as? [String: Any])?["inserted"] as? Int == 3)
            #expect((summary["key"] as? String)?.count == 64)

            let audits = try await api.send(.get, "/api/v1/changes?entity=audit", as: "admin").json["items"] as? [[String: Any]]
            #expect(audits?.first?["actor"] as? String == "auditor")
            #expect((audits?.first?["after"] as? [String: Any])?["document"] == nil)

            let page = try await api.send(.get, "/api/v1/changes?limit=1", as: "admin").json
            let next = try #require(page["next"] as? String)
            let second = try await api.send(.get, "/api/v1/changes?limit=1&after=\(next)", as: "admin").json["items"] as? [[String: Any]]
            #expect((second?.first?["id"] as? Int).map { $0 > Int(next)! } == true)
            #expect(try await api.send(.get, "/api/v1/changes?since=yesterday", as: "admin").status == .badRequest)
            #expect(try await api.send(.get, "/api/v1/changes?after=x", as: "admin").status == .badRequest)
            let future = try await api.send(.get, "/api/v1/changes?since=2999-01-01T00:00:00%2B08:00", as: "admin").json["items"] as? [Any]
            #expect(future?.isEmpty == true)
            for role in ["rm", "om1", "auditor", "e8"] {
                #expect(try await api.send(.get, "/api/v1/changes", as: role).status == .forbidden)
            }
        }
    }

    @Test func uploadsBeyondTheCredentialsBurstAre429WithRetryAfterAndLogged() async throws {
        let logs = LogCapture()
        let app = try await TestApp.make(
            configuration: ServerConfiguration(uploadRateLimit: UploadRateLimit(perMinute: 1, burst: 2)), logger: logs.logger())
        try await app.run { api in
            for _ in 0..<2 {
                #expect(try await api.send(.post, "/api/v1/audits", as: "auditor", body: try TestApp.document()).status == .created)
            }
            let limited = try await api.send(.post, "/api/v1/audits", as: "auditor", body: try TestApp.document())
            #expect(limited.status == .tooManyRequests)
            #expect(limited.problem["code"] as? String == "too_many_requests")
            #expect(limited.headers[.retryAfter].flatMap { Int($0) }.map { (1...60).contains($0) } == true)
            // Evidence counts too; reads do not; another token has its own bucket.
            #expect(
                try await api.send(
                    .put, "/api/v1/audits/\(TestApp.sampleID)/attachments/P1/front.jpg", as: "auditor",
                    body: Data("test".utf8)
                ).status == .tooManyRequests)
            #expect(try await api.send(.get, "/api/v1/audits", as: "auditor").status == .ok)
            #expect(try await api.send(.post, "/api/v1/audits", as: "auditor2", body: try TestApp.document()).status == .created)
            let rows = ["rows": [[String: Any]]()]
            for _ in 0..<2 { #expect(try await api.send(.post, "/api/v1/surveys", as: "admin", json: rows).status == .ok) }
            #expect(try await api.send(.post, "/api/v1/complaints", as: "admin", json: rows).status == .tooManyRequests)
        }
        #expect(logs.records.filter { $0.message == "upload rate limit exceeded" }.count == 3)
    }
}
