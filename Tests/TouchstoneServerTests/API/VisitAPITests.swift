import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TouchstoneStore

/// Visit plans through the API: head office lists every visit, an auditor its own; an admin
/// auto-assigns a period and reads why a visit stayed unassigned.
@Suite("HTTP: visit plans")
struct VisitAPITests {
    static func ids(_ json: [String: Any]) -> [String]? {
        (json["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
    }

    @Test func assignAndListWithinTheCallersReach() async throws {
        let app = try await TestApp.make()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("visits-\(UUID().uuidString).csv")
        try """
        visit_id,outlet_code,template,template_version,window_from,window_to,auditor
        X1,O1,demo-visit,1,2027-03-01,2027-03-31,
        X2,O2,demo-visit,1,2027-03-02,2027-03-31,
        X3,O1,demo-visit,1,2027-03-10,2027-03-31,
        X4,O1,demo-visit,1,2027-03-20,2027-03-31,
        Y1,O3,demo-visit,1,2027-04-01,2027-04-30,

        """.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(try await importCSV(.visits, file: file, tenant: app.tenant, database: app.database).inserted == 5)

        try await app.run { api in
            #expect(try await api.send(.post, "/api/v1/visits/assign?period=2027-03", as: "analyst").status == .forbidden)
            let missing = try await api.send(.post, "/api/v1/visits/assign", as: "admin")
            #expect(missing.status == .badRequest)
            #expect(try await api.send(.post, "/api/v1/visits/assign?period=2027-13", as: "admin").status == .badRequest)

            // auditor < auditor2: X1 (O1) → auditor; X2 → auditor2 (fewer); X3 (O1) → auditor2
            // (auditor was given O1 this run); X4 (O1): both within the 6-month rotation.
            let run = try await api.send(.post, "/api/v1/visits/assign?period=2027-03", as: "admin")
            #expect(run.status == .ok, "\(run.text)")
            #expect(run.json["period"] as? String == "2027-03")
            #expect(run.json["assigned"] as? Int == 3)
            #expect(run.json["unassigned"] as? Int == 1)
            #expect(run.json["expired"] as? Int == 0)
            let lines = try #require(run.json["visits"] as? [[String: Any]])
            #expect(lines.compactMap { $0["id"] as? String } == ["X1", "X2", "X3", "X4"])
            #expect(lines.map { $0["auditor"] as? String } == ["auditor", "auditor2", "auditor2", nil])
            #expect(lines[3]["reason"] as? String == "no auditor may go: 2 rotation")
            #expect(lines[0]["reason"] == nil)

            let all = try await api.send(.get, "/api/v1/visits?period=2027-03", as: "admin").json
            #expect(Self.ids(all) == ["X1", "X2", "X3", "X4"])
            let items = try #require(all["items"] as? [[String: Any]])
            #expect(items[0]["state"] as? String == "assigned")
            #expect(items[0]["windowFrom"] as? String == "2027-03-01")
            #expect(items[0]["templateVersion"] as? Int == 1)
            #expect(items[3]["state"] as? String == "planned")
            #expect(items[3]["unassignedReason"] as? String == "no auditor may go: 2 rotation")
            #expect(items[3]["auditor"] == nil)

            #expect(Self.ids(try await api.send(.get, "/api/v1/visits", as: "analyst").json) == ["X1", "X2", "X3", "X4", "Y1"])
            #expect(Self.ids(try await api.send(.get, "/api/v1/visits?auditor=auditor2", as: "analyst").json) == ["X2", "X3"])
            #expect(Self.ids(try await api.send(.get, "/api/v1/visits?state=planned", as: "admin").json) == ["X4", "Y1"])
            #expect(try await api.send(.get, "/api/v1/visits?state=done", as: "admin").status == .badRequest)

            // An auditor sees its own visits only.
            #expect(Self.ids(try await api.send(.get, "/api/v1/visits", as: "auditor").json) == ["X1"])
            #expect(Self.ids(try await api.send(.get, "/api/v1/visits?auditor=auditor2", as: "auditor").json) == [])
            #expect(try await api.send(.get, "/api/v1/visits", as: "rm").status == .forbidden)
            #expect(try await api.send(.get, "/api/v1/visits", as: "e8").status == .forbidden)
            #expect(try await api.send(.post, "/api/v1/visits/assign?period=2027-03", as: "auditor").status == .forbidden)

            // Running it again changes nothing: X4 stays unassigned for the same reason.
            let again = try await api.send(.post, "/api/v1/visits/assign?period=2027-03", as: "admin")
            #expect(again.json["assigned"] as? Int == 0)
            #expect(((again.json["visits"] as? [[String: Any]])?.first?["reason"]) as? String == "no auditor may go: 2 rotation")
        }
    }

    /// The first problem of a 422 answer: (path, message).
    static func problem(_ response: TestResponse) -> (String?, String?) {
        let details = ((response.json["error"] as? [String: Any])?["details"] as? [[String: Any]])?.first
        return (details?["path"] as? String, details?["message"] as? String)
    }

    /// The sample audit (O1, made 2026-09-14 10:32 +08:00) by `auditor`, naming `visit`.
    static func document(visit: String, id: String = UUID().uuidString.lowercased()) throws -> Data {
        try TestApp.sampleAudit { document in
            document["id"] = id
            document["auditor"] = "auditor"
            document["visit"] = visit
        }
    }

    @Test func anAuditNamingItsVisitIsCheckedAndSubmitsIt() async throws {
        let app = try await TestApp.make()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("visits-\(UUID().uuidString).csv")
        try """
        visit_id,outlet_code,template,template_version,window_from,window_to,auditor
        P1,O1,demo-visit,1,2026-09-10,2026-09-20,auditor
        P2,O2,demo-visit,1,2026-09-10,2026-09-20,auditor
        P3,O1,demo-visit,1,2026-09-01,2026-09-05,auditor
        P4,O1,demo-visit,1,2026-09-10,2026-09-20,auditor2
        P5,O1,demo-visit,1,2026-09-10,2026-09-20,

        """.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        _ = try await importCSV(.visits, file: file, tenant: app.tenant, database: app.database)

        try await app.run { api in
            let id = UUID().uuidString.lowercased()
            let first = try await api.send(.post, "/api/v1/audits", as: "auditor", body: try Self.document(visit: "P1", id: id))
            #expect(first.status == .created, "\(first.text)")
            #expect((first.json["flags"] as? [String])?.contains("outside_window") == false)
            let submitted = try await api.send(.get, "/api/v1/visits?state=submitted", as: "auditor").json
            #expect(Self.ids(submitted) == ["P1"])
            // The same upload again is an idempotent retry.
            #expect(try await api.send(.post, "/api/v1/audits", as: "auditor", body: try Self.document(visit: "P1", id: id)).status == .ok)

            let refusals: [(String, String)] = [
                ("P1", "visit P1 was already fulfilled by another audit"),
                ("P2", "visit P2 is at outlet O2, not O1"),
                ("P4", "visit P4 is assigned to another auditor"),
                ("P5", "visit P5 has no auditor assigned"),
                ("NOPE", "unknown visit NOPE"),
            ]
            for (visit, message) in refusals {
                let response = try await api.send(.post, "/api/v1/audits", as: "auditor", body: try Self.document(visit: visit))
                #expect(response.status == .unprocessableContent, "\(visit): \(response.text)")
                let (path, text) = Self.problem(response)
                #expect(path == "visit" && text == message, "\(visit): \(response.text)")
            }

            // Made on 2026-09-14, outside P3's window (1 to 5 September): refused by default...
            let late = try await api.send(.post, "/api/v1/audits", as: "auditor", body: try Self.document(visit: "P3"))
            #expect(late.status == .unprocessableContent)
            #expect(Self.problem(late).0 == "visit")
            #expect(
                Self.problem(late).1?.hasPrefix("visit P3 must be made between 2026-09-01T00:00:00+08:00 and 2026-09-06T00:00:00+08:00") == true,
                "\(late.text)")
            // ...accepted with the outside_window flag where head office accepts late visits.
            var settings = try await FieldSettingsQueries.get(tenant: app.tenant, database: app.database)
            settings.lateVisitsAccepted = true
            try await FieldSettingsQueries.set(tenant: app.tenant, settings: settings, database: app.database)
            let accepted = try await api.send(.post, "/api/v1/audits", as: "auditor", body: try Self.document(visit: "P3"))
            #expect(accepted.status == .created, "\(accepted.text)")
            #expect((accepted.json["flags"] as? [String])?.contains("outside_window") == true)
            #expect(Self.ids(try await api.send(.get, "/api/v1/visits?state=submitted", as: "admin").json) == ["P3", "P1"])
        }
    }
}
