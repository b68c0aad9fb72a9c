import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TouchstoneCore
import TouchstoneStore

/// Corrective actions through the API: opening by hand within reach, the outlet manager's steps
/// with photo evidence, verification by the region manager, lists cut to the caller's reach,
/// the board, the settings and the export.
@Suite("HTTP: corrective actions")
struct ActionAPITests {
    static func ids(_ json: [String: Any]) -> [Int]? {
        (json["items"] as? [[String: Any]])?.compactMap { $0["id"] as? Int }
    }

    @Test func openWorkVerifyWithinReach() async throws {
        let app = try await TestApp.make()
        try await app.run { api in
            // Who may open by hand: head office and region managers within their region.
            #expect(try await api.send(.post, "/api/v1/actions", as: "om1", json: ["outlet": "O1", "title": "x"]).status == .forbidden)
            let outside = try await api.send(.post, "/api/v1/actions", as: "rm", json: ["outlet": "O3", "title": "Fix the door"])
            #expect(outside.status == .unprocessableContent, "\(outside.text)")
            let blank = try await api.send(.post, "/api/v1/actions", as: "admin", json: ["outlet": "O1", "title": " "])
            #expect(blank.status == .unprocessableContent)
            #expect(blank.text.contains("title"))
            let opened = try await api.send(
                .post, "/api/v1/actions", as: "rm", json: ["outlet": "O1", "title": "Fix the door", "severity": "high"])
            #expect(opened.status == .created, "\(opened.text)")
            let id = try #require(opened.json["id"] as? Int)
            #expect(opened.json["state"] as? String == "open")
            #expect(opened.json["owner"] as? String == "om1")  // the outlet's manager
            #expect(opened.json["source"] as? String == "manual")
            let other = try await api.send(.post, "/api/v1/actions", as: "admin", json: ["outlet": "O3", "title": "Sweep"])
            let otherID = try #require(other.json["id"] as? Int)

            // Lists are cut to the caller's reach.
            #expect(Self.ids(try await api.send(.get, "/api/v1/actions", as: "admin").json) == [id, otherID])
            #expect(Self.ids(try await api.send(.get, "/api/v1/actions", as: "rm").json) == [id])
            #expect(Self.ids(try await api.send(.get, "/api/v1/actions", as: "om1").json) == [id])
            #expect(Self.ids(try await api.send(.get, "/api/v1/actions", as: "om2").json) == [])
            #expect(Self.ids(try await api.send(.get, "/api/v1/actions?outlet=O2", as: "om1").json) == [])
            #expect(Self.ids(try await api.send(.get, "/api/v1/actions?region=华东/浙江", as: "admin").json) == [otherID])
            #expect(try await api.send(.get, "/api/v1/actions", as: "e8").status == .forbidden)
            #expect(try await api.send(.get, "/api/v1/actions?state=closed", as: "admin").status == .badRequest)
            #expect(try await api.send(.get, "/api/v1/actions/\(id)", as: "om2").status == .notFound)

            // The outlet manager submits with a photo; the other outlet's manager cannot.
            let photo = Data("test".utf8).base64EncodedString()
            let submit: [String: Any] = [
                "step": "submit", "comment": "New hinge fitted",
                "evidence": [["name": "door.jpg", "contentType": "image/jpeg", "content": photo]],
            ]
            #expect(try await api.send(.post, "/api/v1/actions/\(id)/transitions", as: "om2", json: submit).status == .notFound)
            #expect(try await api.send(.post, "/api/v1/actions/\(id)/transitions", as: "rm", json: submit).status == .forbidden)
            let early = try await api.send(.post, "/api/v1/actions/\(id)/transitions", as: "rm", json: ["step": "verify"])
            #expect(early.status == .conflict, "\(early.text)")
            let submitted = try await api.send(.post, "/api/v1/actions/\(id)/transitions", as: "om1", json: submit)
            #expect(submitted.status == .ok, "\(submitted.text)")
            #expect(submitted.json["state"] as? String == "submitted")
            let evidence = try #require(submitted.json["evidence"] as? [[String: Any]])
            #expect(evidence.first?["sha256"] as? String == "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")
            let bytes = try await api.send(.get, "/api/v1/actions/\(id)/evidence/door.jpg", as: "rm")
            #expect(bytes.status == .ok && bytes.text == "test")
            #expect(bytes.headers[.contentType] == "image/jpeg")

            // The region manager verifies; the history has who and when.
            #expect(try await api.send(.post, "/api/v1/actions/\(id)/transitions", as: "om1", json: ["step": "verify"]).status == .forbidden)
            let verified = try await api.send(.post, "/api/v1/actions/\(id)/transitions", as: "rm", json: ["step": "verify"])
            #expect(verified.json["state"] as? String == "verified", "\(verified.text)")
            let history = try #require(verified.json["transitions"] as? [[String: Any]])
            #expect(history.compactMap { $0["to"] as? String } == ["open", "submitted", "verified"])
            #expect(history.compactMap { $0["actor"] as? String } == ["rm", "om1", "rm"])
            #expect(history[1]["comment"] as? String == "New hinge fitted")

            let board = try await api.send(.get, "/api/v1/actions/board", as: "admin").json
            let regions = try #require(board["regions"] as? [[String: Any]])
            #expect(regions.compactMap { $0["region"] as? String } == ["华东/上海/浦东", "华东/浙江/杭州"])
            #expect(regions.compactMap { $0["verified"] as? Int } == [1, 0])
            #expect(regions.compactMap { $0["open"] as? Int } == [0, 1])

            let csv = try await api.send(.get, "/api/v1/exports/actions.csv", as: "admin")
            #expect(csv.status == .ok)
            let lines = csv.text.split(separator: "\n")
            #expect(lines.first == "id,outlet,region,source,link,severity,title,owner,state,opened_at,due_at,verified_at,overdue")
            #expect(lines.count == 3)
            #expect(lines[1].hasPrefix("\(id),O1,华东/上海/浦东,manual,,high,Fix the door,om1,verified,"))
            #expect(try await api.send(.get, "/api/v1/exports/actions.csv", as: "om1").status == .forbidden)
            let xlsx = try await api.send(.get, "/api/v1/exports/actions.xlsx", as: "admin")
            #expect(xlsx.status == .ok && xlsx.body.readableBytes > 0)
        }
    }

    @Test func settings() async throws {
        let app = try await TestApp.make()
        try await app.run { api in
            let read = try await api.send(.get, "/api/v1/actions/settings", as: "rm")
            let lines = try #require(read.json["dueDays"] as? [[String: Any]])
            #expect(lines.count == 12)
            #expect(lines[0]["source"] as? String == "audit" && lines[0]["severity"] as? String == "high" && lines[0]["days"] as? Int == 3)
            let change = ["dueDays": [["source": "audit", "severity": "high", "days": 1]]]
            #expect(try await api.send(.put, "/api/v1/actions/settings", as: "analyst", json: change).status == .forbidden)
            let changed = try await api.send(.put, "/api/v1/actions/settings", as: "admin", json: change)
            #expect(((changed.json["dueDays"] as? [[String: Any]])?.first?["days"] as? Int) == 1, "\(changed.text)")
            let bad = try await api.send(
                .put, "/api/v1/actions/settings", as: "admin", json: ["dueDays": [["source": "kpi", "severity": "low", "days": 0]]])
            #expect(bad.status == .unprocessableContent)
            #expect(bad.text.contains("kpi.low"))
        }
    }

    @Test func aBreachedComplaintPostedByTheCallCentreOpensOneAction() async throws {
        let app = try await TestApp.make()
        try await app.run { api in
            let opened = Instant.format(Date().addingTimeInterval(-30 * 3600), in: app.tenant.timeZone)
            let rows: [String: Any] = [
                "rows": [
                    ["complaint_id": "K1", "outlet_code": "O1", "severity": "high", "opened_at": opened],
                    ["complaint_id": "K2", "outlet_code": "O1", "severity": "low", "opened_at": opened],
                ]
            ]
            for _ in 0..<2 {
                let posted = try await api.send(.post, "/api/v1/complaints", as: "admin", json: rows)
                #expect(posted.status == .ok, "\(posted.text)")
            }
            // K1 (24 h) breached 6 hours ago; K2 has 72 h.
            let list = try await api.send(.get, "/api/v1/actions?source=complaint", as: "om1").json
            let items = try #require(list["items"] as? [[String: Any]])
            #expect(items.compactMap { $0["complaint"] as? String } == ["K1"])
            #expect(items.first?["severity"] as? String == "high")
        }
    }
}
