import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TouchstoneStore

/// The security review's audit findings: resubmission is the submitter's, conflicts and reuse
/// reports say nothing of audits out of the caller's scope, and outlets never learn who audited them.
@Suite("HTTP: resubmission scope, reuse reports, who audited whom")
struct AuditPrivacyTests {
    /// A template like the sample's that needs review, so an audit can be sent back.
    static func addReviewedTemplate(_ api: APIClient) async throws {
        let template = try TestApp.template { t in
            t["code"] = "reviewed"
            t["requireReview"] = true
        }
        #expect(try await api.send(.post, "/api/v1/templates", as: "admin", body: template).status == .created)
    }

    @Test func onlyTheSubmitterResubmitsAReturnedAuditAndOthersLearnNothing() async throws {
        let app = try await TestApp.make()
        try await app.run { api in
            try await Self.addReviewedTemplate(api)
            let id = UUID().uuidString.lowercased()
            let original = try TestApp.document(id: id, template: "reviewed")
            #expect(try await api.send(.post, "/api/v1/audits", as: "auditor", body: original).status == .created)
            let sentBack = try await api.send(.post, "/api/v1/audits/\(id)/review", as: "admin", json: ["action": "sendBack"])
            #expect(sentBack.json["state"] as? String == "returned")

            let changed = try TestApp.document(
                id: id, template: "reviewed",
                answers: ["A1": "no", "A2": 1, "A3": "na", "S1": 10, "S2": "no", "S3": "partial", "C1": "na"])
            for body in [changed, original] {
                let foreign = try await api.send(.post, "/api/v1/audits", as: "auditor2", body: body)
                #expect(foreign.status == .conflict)
                let message = foreign.problem["message"] as? String ?? ""
                #expect(!message.contains(id) && !message.contains("returned") && !message.contains("state"))
                #expect(foreign.json["state"] == nil && foreign.json["score"] == nil)
            }
            let stored = try await api.send(.get, "/api/v1/audits/\(id)", as: "admin").json
            #expect(stored["state"] as? String == "returned")
            #expect(stored["submittedBy"] as? String == "auditor")

            let own = try await api.send(.post, "/api/v1/audits", as: "auditor", body: changed)
            #expect(own.status == .created)
            #expect(own.json["state"] as? String == "submitted")
            // A conflict with an audit in the caller's own scope may still say what it is.
            let mine = try await api.send(.post, "/api/v1/audits", as: "auditor", body: original)
            #expect(mine.status == .conflict)
        }
    }

    @Test func reuseReportsNameOnlyAuditsTheCallerMaySee() async throws {
        let app = try await TestApp.make()
        try await app.run { api in
            #expect(try await api.send(.post, "/api/v1/audits", as: "auditor", body: try TestApp.sampleAudit()).status == .created)
            let first = try await api.send(
                .put, "/api/v1/audits/\(TestApp.sampleID)/attachments/P1/front.jpg", as: "auditor",
                body: Data("test".utf8), headers: [.contentType: "image/jpeg"])
            #expect(first.status == .ok)
            let other = UUID().uuidString.lowercased()
            #expect(try await api.send(.post, "/api/v1/audits", as: "auditor2", body: try TestApp.document(id: other)).status == .created)
            let reused = try await api.send(
                .put, "/api/v1/audits/\(other)/attachments/P1/front.jpg", as: "auditor2",
                body: Data("test".utf8), headers: [.contentType: "image/jpeg"])
            #expect(reused.status == .ok)
            #expect(reused.json["reusedBy"] as? [String] == [])
            #expect(!reused.text.contains(TestApp.sampleID))
            let seenBySubmitter = try await api.send(.get, "/api/v1/audits/\(other)", as: "auditor2")
            #expect(!seenBySubmitter.text.contains(TestApp.sampleID))
            // Head office still sees the reuse, on both audits.
            let record = try await api.send(.get, "/api/v1/audits/\(other)", as: "admin").json
            let attachments = record["attachments"] as? [[String: Any]] ?? []
            #expect(attachments.first?["reusedBy"] as? [String] == [TestApp.sampleID])
        }
    }

    @Test func outletManagersAndStaffNeverSeeWhoAuditedThemInTheAPI() async throws {
        let app = try await TestApp.make()
        try await app.run { api in
            #expect(try await api.send(.post, "/api/v1/audits", as: "auditor", body: try TestApp.sampleAudit()).status == .created)
            let e8 = UUID().uuidString.lowercased()
            #expect(try await api.send(.post, "/api/v1/audits", as: "auditor", body: try TestApp.document(id: e8, servedBy: "E8")).status == .created)
            for (login, id) in [("om1", TestApp.sampleID), ("e8", e8)] {
                let record = try await api.send(.get, "/api/v1/audits/\(id)", as: login)
                #expect(record.status == .ok)
                #expect(record.json["auditor"] == nil && record.json["submittedBy"] == nil)
                #expect(!record.text.contains("agency-07/shopper-113") && !record.text.contains(#""auditor""#))
                let attachments = record.json["attachments"] as? [[String: Any]] ?? []
                #expect(!attachments.isEmpty && attachments.allSatisfy { $0["reusedBy"] == nil })
                let listed = try await api.send(.get, "/api/v1/audits", as: login)
                let items = listed.json["items"] as? [[String: Any]] ?? []
                #expect(!items.isEmpty && items.allSatisfy { $0["submittedBy"] == nil })
                #expect(!listed.text.contains(#""auditor""#))
            }
            let admin = try await api.send(.get, "/api/v1/audits/\(TestApp.sampleID)", as: "admin").json
            #expect(admin["auditor"] as? String == "agency-07/shopper-113")
            #expect(admin["submittedBy"] as? String == "auditor")
        }
    }

    @Test func outletManagersAndStaffNeverSeeWhoAuditedThemInThePages() async throws {
        let fixture = try await PageFixture.make()
        try await fixture.app.application.test(.router) { client in
            let page = "/audits/\(TestApp.sampleID)"
            let admin = try #require(try await PageClient.login(client, "admin"))
            let full = try await admin.get(page).text
            #expect(full.contains("agency-07/shopper-113") && full.contains("<td>auditor</td>"))
            let om1 = try #require(try await PageClient.login(client, "om1"))
            let outletView = try await om1.get(page)
            #expect(outletView.status == .ok)
            #expect(!outletView.text.contains("agency-07/shopper-113") && !outletView.text.contains("<td>auditor</td>"))
            let outletPage = try await om1.get("/outlets/O1?period=2026-09").text
            #expect(!outletPage.contains("agency-07/shopper-113") && !outletPage.contains("<td>auditor</td>"))
        }
    }
}
