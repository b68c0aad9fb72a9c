import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TouchstoneCore
import TouchstoneStore
import TouchstoneTestSupport

@Suite("HTTP: evidence, review, disputes, scope")
struct AuditWorkflowAPITests {
    @Test func uploadEvidenceReleaseDisputeAcceptShowsRescoredAuditWithHistory() async throws {
        let app = try await TestApp.make()
        try await app.run { api in
            let template = try TestApp.template { t in
                t["code"] = "reviewed"
                t["requireReview"] = true
                var sections = t["sections"] as! [[String: Any]]
                var items = sections[0]["items"] as! [[String: Any]]
                items[3]["required"] = true
                sections[0]["items"] = items
                t["sections"] = sections
            }
            #expect(try await api.send(.post, "/api/v1/templates", as: "analyst", body: template).status == .forbidden)
            let added = try await api.send(.post, "/api/v1/templates", as: "admin", body: template)
            #expect(added.status == .created)
            #expect(added.json["outcome"] as? String == "created")

            let id = UUID().uuidString.lowercased()
            let upload = try await api.send(.post, "/api/v1/audits", as: "auditor", body: try TestApp.document(id: id, template: "reviewed"))
            #expect(upload.status == .created)
            #expect(upload.json["state"] as? String == "submitted")
            #expect(upload.json["missingEvidence"] as? [String] == ["P1"])

            let early = try await api.send(.post, "/api/v1/audits/\(id)/review", as: "admin", json: ["action": "release"])
            #expect(early.status == .conflict)
            #expect(early.problem["code"] as? String == "invalid_state")
            #expect((early.problem["message"] as? String)?.contains("P1") == true)

            let evidence = try await api.send(
                .put, "/api/v1/audits/\(id)/attachments/P1/front.jpg", as: "auditor",
                body: Data("test".utf8), headers: [.contentType: "image/jpeg"])
            #expect(evidence.status == .ok)
            #expect(evidence.json["size"] as? Int == 4)
            #expect(evidence.json["state"] as? String == "submitted")
            #expect(evidence.json["missingEvidence"] as? [String] == [])

            #expect(try await api.send(.post, "/api/v1/audits/\(id)/review", as: "analyst", json: ["action": "release"]).status == .forbidden)
            let released = try await api.send(.post, "/api/v1/audits/\(id)/review", as: "admin", json: ["action": "release", "comment": "ok"])
            #expect(released.status == .ok)
            #expect(released.json["state"] as? String == "released")

            let dispute = ["items": [["item": "S1", "reason": "greeted within 50 s (video)", "proposedAnswer": 50]]]
            #expect(try await api.send(.post, "/api/v1/audits/\(id)/disputes", as: "om2", json: dispute).status == .notFound)
            #expect(try await api.send(.post, "/api/v1/audits/\(id)/disputes", as: "auditor", json: dispute).status == .forbidden)
            let badDispute = try await api.send(
                .post, "/api/v1/audits/\(id)/disputes", as: "om1",
                json: ["items": [["item": "C2", "reason": ""]]])
            #expect(badDispute.status == .unprocessableContent)
            #expect(badDispute.problemPaths == ["items[0].item"])
            let disputed = try await api.send(.post, "/api/v1/audits/\(id)/disputes", as: "om1", json: dispute)
            #expect(disputed.status == .ok)
            #expect(disputed.json["state"] as? String == "disputed")

            let decisionURI = "/api/v1/audits/\(id)/disputes/S1/decision"
            #expect(try await api.send(.post, decisionURI, as: "om1", json: ["accept": true, "reason": "x"]).status == .forbidden)
            let decided = try await api.send(.post, decisionURI, as: "admin", json: ["accept": true, "reason": "video confirms"])
            #expect(decided.status == .ok)
            // SRV = 100 × 24/30 = 80; overall = (30 × 87.5 + 50 × 80)/80 = 82.8125.
            #expect(decided.json["state"] as? String == "final")
            #expect(decided.json["score"] as? String == "82.81")
            let again = try await api.send(.post, decisionURI, as: "admin", json: ["accept": false, "reason": "again"])
            #expect(again.status == .conflict)

            let record = try await api.send(.get, "/api/v1/audits/\(id)", as: "om1").json
            #expect(record["state"] as? String == "final")
            #expect(record["score"] as? String == "82.81")
            let items = record["items"] as? [[String: Any]] ?? []
            #expect(items.first { $0["item"] as? String == "S1" }?["answer"] as? Int == 50)
            let transitions = record["transitions"] as? [[String: Any]] ?? []
            #expect(transitions.map { $0["to"] as? String } == ["submitted", "released", "disputed", "final"])
            // The outlet manager never learns who audited: the submitter's step has no actor.
            #expect(transitions.map { $0["actor"] as? String } == [nil, "admin", "om1", "admin"])
            let history = record["scoreHistory"] as? [[String: Any]] ?? []
            #expect(history.map { $0["newScore"] as? String } == ["61.98", "82.81"])
            #expect(history.last?["reason"] as? String == "dispute on S1 accepted: video confirms")
            let disputes = record["disputes"] as? [[String: Any]] ?? []
            #expect(disputes.first?["state"] as? String == "accepted")
            #expect(disputes.first?["oldAnswer"] as? Int == 75)
            #expect(disputes.first?["newAnswer"] as? Int == 50)
            let attachments = record["attachments"] as? [[String: Any]] ?? []
            #expect(attachments.first?["received"] as? Bool == true)
            #expect(attachments.first?["contentType"] as? String == "image/jpeg")
        }
    }

    @Test func everyRoleGetsTheAuditOnlyWhereItMayReadIt() async throws {
        let app = try await TestApp.make()
        let other = try await TestDatabase.createTenant(code: "other", in: app.database)
        try await IdentityQueries.addUser(tenant: other, login: "boss", displayName: nil, role: .admin, database: app.database)
        let foreign = try await IdentityQueries.createToken(tenant: other, login: "boss", label: nil, days: 1, database: app.database).token
        try await app.run { api in
            #expect(try await api.send(.post, "/api/v1/audits", as: "auditor", body: try TestApp.sampleAudit()).status == .created)
            let audit = "/api/v1/audits/\(TestApp.sampleID)"
            let byLogin: [(String, HTTPResponse.Status)] = [
                ("admin", .ok), ("analyst", .ok), ("rm", .ok), ("om1", .ok), ("auditor", .ok),
                ("om2", .notFound), ("auditor2", .notFound),
            ]
            for (login, status) in byLogin {
                #expect(try await api.send(.get, audit, as: login).status == status, "login \(login)")
            }
            let byToken: [(String?, HTTPResponse.Status)] = [(foreign, .notFound), (nil, .unauthorized), ("tst_forged", .unauthorized)]
            for (token, status) in byToken {
                var headers = HTTPFields()
                if let token { headers[.authorization] = "Bearer \(token)" }
                #expect(try await api.send(.get, audit, as: nil, headers: headers).status == status, "token \(token ?? "none")")
            }
            #expect((try await api.send(.get, "/api/v1/audits", as: "auditor2").json["items"] as? [Any])?.isEmpty == true)
            let foreignOutlet = try await api.send(.get, "/api/v1/outlets/O1", as: nil, headers: [.authorization: "Bearer \(foreign)"])
            #expect(foreignOutlet.status == .notFound)
        }
    }

    @Test func everyoneSeesOnlyTheirScope() async throws {
        let app = try await TestApp.make()
        try await app.run { api in
            #expect(try await api.send(.post, "/api/v1/audits", as: "auditor", body: try TestApp.sampleAudit()).status == .created)
            let o3 = UUID().uuidString.lowercased()
            let other = try TestApp.document(id: o3, outlet: "O3", servedBy: nil)
            #expect(try await api.send(.post, "/api/v1/audits", as: "auditor2", body: other).status == .created)
            let sample = "/api/v1/audits/\(TestApp.sampleID)"

            func listed(_ user: String, _ query: String = "") async throws -> [String] {
                let page = try await api.send(.get, "/api/v1/audits" + query, as: user).json
                return (page["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            }
            #expect(try await listed("auditor") == [TestApp.sampleID])
            #expect(try await listed("auditor2") == [o3])
            #expect(Set(try await listed("admin")) == [TestApp.sampleID, o3])
            #expect(try await listed("admin", "?outlet=O3") == [o3])
            #expect(try await listed("admin", "?period=2026-10").isEmpty)
            #expect(try await listed("admin", "?state=released&period=2026-09").count == 2)
            #expect(try await listed("rm") == [TestApp.sampleID])
            #expect(try await listed("om1") == [TestApp.sampleID])
            #expect(try await listed("om2").isEmpty)
            #expect(try await listed("e8").isEmpty)  // the sample names E7

            #expect(try await api.send(.get, sample, as: "auditor").status == .ok)
            #expect(try await api.send(.get, sample, as: "auditor2").status == .notFound)
            #expect(try await api.send(.get, sample, as: "om1").status == .ok)
            #expect(try await api.send(.get, sample, as: "om2").status == .notFound)
            #expect(try await api.send(.get, "/api/v1/audits/not-a-uuid", as: "admin").status == .notFound)
            let anonymous = try await api.send(.get, sample, as: nil)
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.headers[.wwwAuthenticate] == "Bearer")
            let staff = try await api.send(.post, "/api/v1/audits", as: "e8", body: try TestApp.document())
            #expect(staff.status == .forbidden)
            #expect(staff.problem["code"] as? String == "forbidden")
            // Evidence of another auditor's upload is out of scope.
            let foreign = try await api.send(
                .put, "/api/v1/audits/\(o3)/attachments/P1/front.jpg", as: "auditor",
                body: Data("test".utf8), headers: [.contentType: "image/jpeg"])
            #expect(foreign.status == .notFound)
        }
    }
}
