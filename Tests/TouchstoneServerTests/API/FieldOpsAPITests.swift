import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TouchstoneCore
import TouchstoneStore

/// Head office and the agency coordinator in the field, through the API: visits by hand
/// (create, cancel, start), the coordinator's scope, the field summary and the export's flags.
@Suite("HTTP: field operations")
struct FieldOpsAPITests {
    /// The test application plus `coord` (coordinator of agency A); `auditor` joins agency A.
    static func make() async throws -> TestApp {
        let app = try await TestApp.make()
        try await IdentityQueries.addUser(
            tenant: app.tenant, login: "coord", displayName: nil, role: .agencyCoordinator, agencyCode: "A", database: app.database)
        try await PeopleQueries.update(
            tenant: app.tenant, login: "auditor", displayName: nil, scope: try UserScope(role: .auditor, agencyCode: "A"), actor: "admin",
            database: app.database)
        var tokens = app.tokens
        tokens["coord"] = try await IdentityQueries.createToken(tenant: app.tenant, login: "coord", label: nil, days: 1, database: app.database).token
        return TestApp(database: app.database, tenant: app.tenant, tokens: tokens, application: app.application)
    }

    static func ids(_ json: [String: Any]) -> [String]? {
        (json["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
    }

    static func visit(_ id: String, _ outlet: String, auditor: String? = nil, from: String = "2027-03-01", to: String = "2027-03-31") -> [String: Any]
    {
        var body: [String: Any] = [
            "id": id, "outlet": outlet, "template": "demo-visit", "templateVersion": 1, "windowFrom": from, "windowTo": to,
        ]
        if let auditor { body["auditor"] = auditor }
        return body
    }

    static func details(_ response: TestResponse) -> [String] {
        (((response.json["error"] as? [String: Any])?["details"] as? [[String: Any]]) ?? []).map {
            "\($0["path"] as? String ?? ""): \($0["message"] as? String ?? "")"
        }
    }

    @Test func visitsByHandWithinTheCallersScope() async throws {
        let app = try await Self.make()
        try await app.run { api in
            let made = try await api.send(.post, "/api/v1/visits", as: "admin", json: Self.visit("M1", "O1", auditor: "auditor2"))
            #expect(made.status == .created, "\(made.text)")
            #expect(made.json["id"] as? String == "M1" && made.json["state"] as? String == "assigned")
            #expect(made.json["region"] as? String == "华东/上海/浦东")
            #expect(try await api.send(.post, "/api/v1/visits", as: "admin", json: Self.visit("M1", "O2")).status == .conflict)

            let missing = try await api.send(.post, "/api/v1/visits", as: "admin", json: ["id": "M9", "outlet": "O1"])
            #expect(missing.status == .unprocessableContent)
            #expect(
                Self.details(missing) == [
                    "template: template is required", "templateVersion: templateVersion is required", "windowFrom: windowFrom is required",
                    "windowTo: windowTo is required",
                ])
            let wrong = try await api.send(.post, "/api/v1/visits", as: "admin", json: Self.visit("M9", "O9", auditor: "rm", to: "2027-02-01"))
            #expect(Self.details(wrong) == ["windowTo: windowTo is before windowFrom"])
            let unknown = try await api.send(.post, "/api/v1/visits", as: "admin", json: Self.visit("M9", "O9", auditor: "rm"))
            #expect(
                Self.details(unknown) == [
                    "outlet: unknown outlet O9", "auditor: unknown auditor rm (no enabled user with role auditor has this login)",
                ])

            // The coordinator plans for agency A only, and sees only A's visits.
            let own = try await api.send(.post, "/api/v1/visits", as: "coord", json: Self.visit("A1", "O2", auditor: "auditor"))
            #expect(own.status == .created, "\(own.text)")
            #expect(own.json["agency"] as? String == "A")
            let notOurs = try await api.send(.post, "/api/v1/visits", as: "coord", json: Self.visit("A2", "O2", auditor: "auditor2"))
            #expect(Self.details(notOurs) == ["auditor: auditor auditor2 is not of agency A"])
            #expect(try await api.send(.post, "/api/v1/visits", as: "coord", json: Self.visit("A3", "O3")).status == .created)
            #expect(Self.ids(try await api.send(.get, "/api/v1/visits?period=2027-03", as: "coord").json) == ["A1", "A3"])
            #expect(Self.ids(try await api.send(.get, "/api/v1/visits?period=2027-03", as: "admin").json) == ["A1", "A3", "M1"])
            #expect(Self.ids(try await api.send(.get, "/api/v1/visits?agency=A", as: "analyst").json) == ["A1", "A3"])
            #expect(Self.ids(try await api.send(.get, "/api/v1/visits?region=华东/浙江", as: "analyst").json) == ["A3"])

            // Cancel: outside the scope is not found; twice is the same; others may not.
            #expect(try await api.send(.post, "/api/v1/visits/M1/cancel", as: "coord").status == .notFound)
            #expect(try await api.send(.post, "/api/v1/visits/A3/cancel", as: "analyst").status == .forbidden)
            #expect(try await api.send(.post, "/api/v1/visits/A3/cancel", as: "auditor").status == .forbidden)
            let cancelled = try await api.send(.post, "/api/v1/visits/A3/cancel", as: "coord")
            #expect(cancelled.status == .ok && cancelled.json["state"] as? String == "cancelled")
            #expect(try await api.send(.post, "/api/v1/visits/A3/cancel", as: "admin").json["state"] as? String == "cancelled")

            // Start: the auditor's own visit only, idempotent; a cancelled one is a conflict.
            #expect(try await api.send(.post, "/api/v1/visits/M1/start", as: "auditor").status == .notFound)
            #expect(try await api.send(.post, "/api/v1/visits/A1/start", as: "admin").status == .forbidden)
            let started = try await api.send(.post, "/api/v1/visits/M1/start", as: "auditor2")
            #expect(started.status == .ok && started.json["state"] as? String == "in_progress", "\(started.text)")
            #expect(try await api.send(.post, "/api/v1/visits/M1/start", as: "auditor2").json["state"] as? String == "in_progress")
            #expect(try await api.send(.post, "/api/v1/visits/A1/start", as: "auditor").status == .ok)

            // A visit whose window ended expires when visits are read.
            let past = try await api.send(
                .post, "/api/v1/visits", as: "admin", json: Self.visit("OLD", "O1", auditor: "auditor", from: "2026-01-01", to: "2026-01-31"))
            #expect(past.status == .created)
            let january = try await api.send(.get, "/api/v1/visits?period=2026-01", as: "coord").json
            #expect((january["items"] as? [[String: Any]])?.first?["state"] as? String == "expired")
            let refused = try await api.send(.post, "/api/v1/visits/OLD/start", as: "auditor")
            #expect(refused.status == .conflict && refused.problem["message"] as? String == "visit OLD is expired and cannot be started")

            // The coordinator's auto-assignment covers its agency's planned visits only.
            _ = try await api.send(.post, "/api/v1/visits", as: "admin", json: Self.visit("H1", "O3"))
            _ = try await api.send(.post, "/api/v1/visits", as: "coord", json: Self.visit("A4", "O3", from: "2027-03-02"))
            let run = try await api.send(.post, "/api/v1/visits/assign?period=2027-03", as: "coord")
            #expect(run.status == .ok, "\(run.text)")
            let lines = (run.json["visits"] as? [[String: Any]]) ?? []
            #expect(lines.compactMap { $0["id"] as? String } == ["A4"])
            #expect(lines.first?["auditor"] as? String == "auditor")
        }
    }

    @Test func oddInputIsAClientError() async throws {
        let app = try await Self.make()
        try await app.run { api in
            for uri in ["/api/v1/visits?agency=%00", "/api/v1/visits?region=a%00b", "/api/v1/visits?auditor=%00"] {
                let response = try await api.send(.get, uri, as: "admin")
                #expect(response.status.code < 500, "\(uri): \(response.status)")
            }
            var body = Self.visit("N\u{0}1", "O\u{0}1", auditor: "x\u{0}")
            body["agency"] = "A\u{0}"
            let response = try await api.send(.post, "/api/v1/visits", as: "admin", json: body)
            #expect(response.status.code < 500, "\(response.status): \(response.text)")
            let huge = try await api.send(
                .post, "/api/v1/visits", as: "admin",
                body: Data(
                    #"{"id":"H","outlet":"O1","template":"t","templateVersion":99999999999999999999,"windowFrom":"2027-01-01","windowTo":"2027-01-02"}"#
                        .utf8))
            #expect(huge.status.code < 500)
        }
    }

    @Test func theCoordinatorSeesItsAuditorsAuditsAndNothingOfHeadOffice() async throws {
        let app = try await Self.make()
        try await app.run { api in
            let ours = try await api.send(.post, "/api/v1/audits", as: "auditor", body: try TestApp.sampleAudit())
            #expect(ours.status == .created, "\(ours.text)")
            let theirsID = UUID().uuidString.lowercased()
            let theirs = try await api.send(
                .post, "/api/v1/audits", as: "auditor2",
                body: try TestApp.sampleAudit {
                    $0["id"] = theirsID
                    $0["auditor"] = "auditor2"
                })
            #expect(theirs.status == .created, "\(theirs.text)")

            let listed = try await api.send(.get, "/api/v1/audits", as: "coord")
            #expect(listed.status == .ok)
            #expect(Self.ids(listed.json) == [TestApp.sampleID])
            let one = try await api.send(.get, "/api/v1/audits/\(TestApp.sampleID)", as: "coord")
            #expect(one.status == .ok)
            #expect(one.json["flags"] as? [String] == ours.json["flags"] as? [String])
            #expect(try await api.send(.get, "/api/v1/audits/\(theirsID)", as: "coord").status == .notFound)

            for forbidden in [
                "/api/v1/field/summary?period=2026-09", "/api/v1/exports/audits.csv?period=2026-09", "/api/v1/exports/payouts.csv?period=2026-09",
                "/api/v1/kpis",
            ] {
                #expect(try await api.send(.get, forbidden, as: "coord").status == .forbidden, "\(forbidden)")
            }
        }
    }

    @Test func theFieldSummaryAndTheExportsFlags() async throws {
        let app = try await Self.make()
        try await app.run { api in
            for (id, outlet, auditor, to) in [
                ("S1", "O1", "auditor", "2026-09-05"), ("S2", "O2", "auditor2", "2026-09-30"), ("S3", "O3", nil, "2026-09-30"),
            ] {
                let body = Self.visit(id, outlet, auditor: auditor, from: "2026-09-01", to: to)
                #expect(try await api.send(.post, "/api/v1/visits", as: "admin", json: body).status == .created)
            }
            _ = try await api.send(.post, "/api/v1/visits/S3/cancel", as: "admin")
            // The sample (made on 2026-09-14) for S1, whose window closed on the 5th: accepted late, flagged.
            var settings = try await FieldSettingsQueries.get(tenant: app.tenant, database: app.database)
            settings.lateVisitsAccepted = true
            try await FieldSettingsQueries.set(tenant: app.tenant, settings: settings, database: app.database)
            let upload = try await api.send(
                .post, "/api/v1/audits", as: "auditor",
                body: try TestApp.sampleAudit {
                    $0["visit"] = "S1"
                    $0["auditor"] = "auditor"
                })
            #expect(upload.status == .created, "\(upload.text)")
            let flags = try #require(upload.json["flags"] as? [String])
            #expect(flags.contains("outside_window"))

            #expect(try await api.send(.get, "/api/v1/field/summary", as: "admin").status == .badRequest)
            #expect(try await api.send(.get, "/api/v1/field/summary?period=2026-09", as: "auditor").status == .forbidden)
            let summary = try await api.send(.get, "/api/v1/field/summary?period=2026-09", as: "analyst")
            #expect(summary.status == .ok, "\(summary.text)")
            let json = summary.json
            #expect(json["period"] as? String == "2026-09")
            func rows(_ key: String) -> [String] {
                ((json[key] as? [[String: Any]]) ?? []).map {
                    "\($0["key"] as? String ?? "-"):\($0["planned"] as? Int ?? -1)/\($0["done"] as? Int ?? -1)/\($0["expired"] as? Int ?? -1)/\($0["cancelled"] as? Int ?? -1)"
                }
            }
            // Today is after September 2026: the open visits of the period have expired.
            #expect(rows("byRegion") == ["华东/上海/徐汇:1/0/1/0", "华东/上海/浦东:1/1/0/0", "华东/浙江/杭州:0/0/0/1"])
            #expect(rows("byAgency") == ["-:1/0/1/1", "A:1/1/0/0"])
            #expect(json["flaggedAudits"] as? Int == 1)
            let counts = ((json["flags"] as? [[String: Any]]) ?? []).map { "\($0["flag"] as? String ?? ""):\($0["audits"] as? Int ?? 0)" }
            #expect(counts == flags.sorted().map { "\($0):1" })
            let flagged = (json["flagged"] as? [[String: Any]]) ?? []
            #expect(flagged.map { $0["id"] as? String } == [TestApp.sampleID])
            #expect(flagged.first?["flags"] as? [String] == flags)

            // The export keeps its published columns unless asked for the flags.
            let plain = try await api.send(.get, "/api/v1/exports/audits.csv?period=2026-09", as: "analyst")
            // A flagged audit is never released on arrival: it waits, submitted.
            let expected = AuditAPITests.expectedExport.replacingOccurrences(of: ",released,", with: ",submitted,")
            #expect(plain.text == expected)
            let withFlags = try await api.send(.get, "/api/v1/exports/audits.csv?period=2026-09&flags=true", as: "analyst")
            let lines = withFlags.text.split(separator: "\n").map(String.init)
            let columns = expected.split(separator: "\n").map(String.init)
            #expect(lines == [columns[0] + ",flags", columns[1] + "," + flags.joined(separator: ";")])
            #expect(try await api.send(.get, "/api/v1/exports/audits.csv?period=2026-09&flags=false", as: "analyst").text == plain.text)
            let bad = try await api.send(.get, "/api/v1/exports/audits.csv?period=2026-09&flags=yes", as: "analyst")
            #expect(bad.status == .badRequest)
            let xlsx = try await api.send(.get, "/api/v1/exports/audits.xlsx?period=2026-09&flags=true", as: "analyst")
            #expect(xlsx.status == .ok && WorkbookZip.isZip(xlsx.body))
        }
    }
}
