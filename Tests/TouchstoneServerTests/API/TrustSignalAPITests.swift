import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TouchstoneCore
import TouchstoneStore
import TouchstoneTestSupport

/// Each trust signal through the API: an upload that raises it gets the flag on its receipt, its
/// record and the listing, and waits for review instead of being released; a clean field audit
/// is released. (`outside_window` is raised for an audit naming its visit: VisitAPITests.)
@Suite("HTTP: trust signals on arriving audits") struct TrustSignalAPITests {
    /// People's Square, Shanghai: outlet O1's position in this test.
    static let outlet = (latitude: 31.2304, longitude: 121.4737)
    /// An instant `secondsFromNow` from the moment of the call (so a slow machine never turns a
    /// document's "sent now" into clock skew before it is uploaded).
    func instant(_ secondsFromNow: TimeInterval) -> String {
        Instant.format(Date().addingTimeInterval(secondsFromNow), in: TimeZone(identifier: "Asia/Shanghai")!)
    }

    /// A field audit of O1 by `auditor` made an hour ago, 30 minutes long, sent now from the
    /// outlet's position, with the sample's answers plus the rated section's `rated` answers.
    func document(
        auditor: String, outlet: String = "O1", rated: [Int] = [3, 4, 5], attachments: Bool = false,
        change: (inout [String: Any]) -> Void = { _ in }
    ) throws -> Data {
        try TestApp.sampleAudit { document in
            document["id"] = UUID().uuidString.lowercased()
            document["template"] = "trust-visit"
            document["outlet"] = outlet
            document["auditor"] = auditor
            document["visitedAt"] = instant(-3600)
            document["servedBy"] = nil
            var answers = document["answers"] as! [String: Any]
            for (n, answer) in rated.enumerated() { answers["G\(n + 1)"] = answer }
            document["answers"] = answers
            if !attachments { document["attachments"] = [] }
            document["device"] =
                [
                    "startedAt": instant(-3600), "endedAt": instant(-1800), "sentAt": instant(0),
                    "position": ["latitude": Self.outlet.latitude, "longitude": Self.outlet.longitude],
                ] as [String: Any]
            change(&document)
        }
    }

    func device(_ document: inout [String: Any], _ key: String, _ value: Any) {
        var device = document["device"] as! [String: Any]
        device[key] = value
        document["device"] = device
    }

    @Test func everySignalIsRaisedThroughTheAPIAndHoldsTheAuditForReview() async throws {
        let app = try await TestApp.make()
        let outlets = FileManager.default.temporaryDirectory.appendingPathComponent("trust-outlets-\(UUID().uuidString).csv")
        try """
        code,name,type,region_path,opened_on,closed_on,city,latitude,longitude
        O1,浦东旗舰店,dealer,华东/上海/浦东,2019-03-01,,上海,\(Self.outlet.latitude),\(Self.outlet.longitude)

        """.write(to: outlets, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: outlets) }
        _ = try await importCSV(.outlets, file: outlets, tenant: app.tenant, database: app.database)
        try await app.run { api in
            let template = try TestApp.template { template in
                template["code"] = "trust-visit"
                template["minimumMinutes"] = 20
                var sections = template["sections"] as! [[String: Any]]
                sections.append([
                    "code": "GRD", "name": "Guidance", "weight": 10, "dimension": "assurance",
                    "items": (1...3).map { ["code": "G\($0)", "text": "rated \($0)", "type": "scale", "min": 1, "max": 5, "points": 5] },
                ])
                template["sections"] = sections
            }
            #expect(try await api.send(.post, "/api/v1/templates", as: "admin", body: template).status == .created)

            func upload(_ body: Data) async throws -> (id: String, state: String?, flags: [String]) {
                let response = try await api.send(.post, "/api/v1/audits", as: "auditor", body: body)
                #expect(response.status == .created, "\(response.text)")
                return (response.json["id"] as? String ?? "", response.json["state"] as? String, response.json["flags"] as? [String] ?? ["?"])
            }

            let clean = try await upload(try document(auditor: "shopper-clean"))
            #expect(clean.flags == [] && clean.state == "released")

            let cases: [(String, Data)] = [
                (
                    "far_from_outlet",
                    try document(auditor: "shopper-far") { self.device(&$0, "position", ["latitude": 31.2404, "longitude": 121.4737]) }
                ),
                ("too_short", try document(auditor: "shopper-short") { self.device(&$0, "startedAt", self.instant(-2100)) }),
                (
                    "late_submission",
                    try document(auditor: "shopper-late") { document in
                        document["visitedAt"] = self.instant(-50 * 3600)
                        self.device(&document, "startedAt", self.instant(-50 * 3600))
                        self.device(&document, "endedAt", self.instant(-49 * 3600))
                    }
                ),
                ("straight_lining", try document(auditor: "shopper-same", rated: [4, 4, 4])),
                ("clock_skew", try document(auditor: "shopper-skew") { self.device(&$0, "sentAt", self.instant(900)) }),
            ]
            for (flag, body) in cases {
                let receipt = try await upload(body)
                #expect(receipt.flags == [flag] && receipt.state == "submitted", "\(flag): \(receipt)")
                let record = try await api.send(.get, "/api/v1/audits/\(receipt.id)", as: "admin").json
                #expect(record["flags"] as? [String] == [flag])
            }

            // Rotation: the same auditor at the same outlet again, a day later.
            _ = try await upload(try document(auditor: "shopper-again"))
            let again = try await upload(
                try document(auditor: "shopper-again") { document in
                    document["visitedAt"] = self.instant(-600)
                    self.device(&document, "startedAt", self.instant(-2400))
                    self.device(&document, "endedAt", self.instant(-600))
                })
            #expect(again.flags == ["rotation"] && again.state == "submitted")

            // A photo whose bytes already arrived for another audit.
            let first = try await upload(try document(auditor: "shopper-photo-1", attachments: true))
            let bytes = try await api.send(
                .put, "/api/v1/audits/\(first.id)/attachments/P1/front.jpg", as: "auditor",
                body: Data("test".utf8), headers: [.contentType: "image/jpeg"])
            #expect(bytes.status == .ok)
            let reused = try await upload(try document(auditor: "shopper-photo-2", outlet: "O2", attachments: true))
            #expect(reused.flags == ["photo_reused"] && reused.state == "submitted")

            let listed = try await api.send(.get, "/api/v1/audits?state=submitted", as: "admin").json["items"] as? [[String: Any]] ?? []
            let flagged = Set(listed.flatMap { $0["flags"] as? [String] ?? [] })
            #expect(flagged == ["far_from_outlet", "too_short", "late_submission", "straight_lining", "clock_skew", "rotation", "photo_reused"])

            // Bad device records are refused with their paths.
            let bad = try await api.send(
                .post, "/api/v1/audits", as: "auditor",
                body: try document(auditor: "shopper-bad") { document in
                    self.device(&document, "position", ["latitude": 95, "longitude": 10])
                    self.device(&document, "endedAt", self.instant(-7200))
                })
            #expect(bad.status == .unprocessableContent || bad.status == .badRequest)
            #expect(bad.problemPaths.sorted() == ["device.endedAt", "device.position"])
        }
    }

    @Test func theTenantsThresholdsApply() async throws {
        let app = try await TestApp.make()
        try await FieldSettingsQueries.set(
            tenant: app.tenant, settings: .init(trust: TrustSettings(clockSkewSeconds: 1200)), database: app.database)
        #expect(try await FieldSettingsQueries.get(tenant: app.tenant, database: app.database).trust.clockSkewSeconds == 1200)
        try await app.run { api in
            let template = try TestApp.template { $0["code"] = "trust-visit" }
            #expect(try await api.send(.post, "/api/v1/templates", as: "admin", body: template).status == .created)
            let skewed = try document(auditor: "shopper-skew", rated: []) { self.device(&$0, "sentAt", self.instant(900)) }
            let response = try await api.send(.post, "/api/v1/audits", as: "auditor", body: skewed)
            #expect(response.json["flags"] as? [String] == [] && response.json["state"] as? String == "released")
        }
    }
}
