import Foundation
import Hummingbird
import HummingbirdTesting
import NIOFoundationCompat
import Testing
import TouchstoneCore
import TouchstoneServer
import TouchstoneStore
import TouchstoneTestSupport

@Suite("HTTP: KPI definitions, the batch, league, trend, warnings, call-centre rows")
struct KPIAPITests {
    @Test func batchOverHTTPThenLeagueTrendWarningsWithinScope() async throws {
        let app = try await TestApp.make()
        for kind in [ImportKind.surveys, .complaints] {
            _ = try await importCSV(kind, file: TestApp.sample("\(kind.rawValue).csv"), tenant: app.tenant, database: app.database)
        }
        let kpis = try Data(contentsOf: TestApp.sample("kpis.json"))
        try await app.run { api in
            #expect(try await api.send(.post, "/api/v1/kpis", as: "analyst", body: kpis).status == .forbidden)
            let defined = try await api.send(.post, "/api/v1/kpis", as: "admin", body: kpis)
            #expect(defined.status == .ok)
            #expect((defined.json["items"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String } == ["MS", "CSAT", "CRIT"])
            _ = try await api.send(.post, "/api/v1/audits", as: "auditor", body: try TestApp.sampleAudit())
            let run = try await api.send(.post, "/api/v1/batch-runs", as: "admin", json: ["period": "2026-09", "asOf": "2026-10-05T00:00:00+08:00"])
            #expect(run.status == .ok)
            #expect(run.json["state"] as? String == "succeeded")

            let ms =
                try await api.send(.get, "/api/v1/league?period=2026-09&kpi=MS&level=outlet", as: "analyst").json["items"] as? [[String: Any]] ?? []
            #expect(ms.count == 1)
            #expect(ms.first?["subject"] as? String == "O1")
            #expect(ms.first?["rank"] as? Int == 1)
            #expect((ms.first?["current"] as? [String: Any])?["value"] as? String == "61.98")
            let csat =
                try await api.send(.get, "/api/v1/league?period=2026-09&kpi=CSAT&level=outlet", as: "rm").json["items"] as? [[String: Any]] ?? []
            #expect(csat.compactMap { $0["subject"] as? String }.sorted() == ["O1", "O2"])
            #expect(csat.allSatisfy { ($0["current"] as? [String: Any])?["status"] as? String == "insufficient" })
            let otherRegion = "/api/v1/league?period=2026-09&kpi=MS&region=%E5%8D%8E%E4%B8%9C/%E6%B5%99%E6%B1%9F"
            #expect(try await api.send(.get, otherRegion, as: "rm").status == .forbidden)
            #expect(try await api.send(.get, "/api/v1/league?period=2026-09&kpi=MS", as: "e8").status == .forbidden)

            let trend = try await api.send(.get, "/api/v1/trend?level=outlet&subject=O1&kpi=MS&periods=2&through=2026-09", as: "om1")
            let points = trend.json["points"] as? [[String: Any]] ?? []
            #expect(points.compactMap { $0["period"] as? String } == ["2026-08", "2026-09"])
            #expect(points.first?["value"] == nil || points.first?["value"] is NSNull)
            #expect((points.last?["value"] as? [String: Any])?["value"] as? String == "61.98")
            #expect(try await api.send(.get, "/api/v1/trend?level=outlet&subject=O1&kpi=MS&through=2026-09", as: "om2").status == .notFound)

            let warnings = try await api.send(.get, "/api/v1/warnings?period=2026-09", as: "admin")
            #expect(warnings.status == .ok)
            #expect((warnings.json["items"] as? [Any]) != nil)
            let csv = try await api.send(.get, "/api/v1/exports/kpis.csv?period=2026-09&level=outlet", as: "admin")
            #expect(csv.text.hasPrefix("period,level,subject,kpi,value,n,status\n2026-09,outlet,O1,CRIT,0.00,1,green\n"))
            let xlsx = try await api.send(.get, "/api/v1/exports/kpis.xlsx?period=2026-09&level=outlet", as: "admin")
            #expect(xlsx.status == .ok && xlsx.headers[.contentType] == WorkbookZip.contentType)
            #expect(WorkbookZip.isZip(xlsx.body))
            // A late audit: the rerun recomputes only what it touched, unless asked for a full run.
            let late = try TestApp.sampleAudit { $0["id"] = "6f1c1d2e-6a55-4c1e-9a53-3f1f3b2f2a11" }
            #expect(try await api.send(.post, "/api/v1/audits", as: "auditor", body: late).status == .created)
            let rerun = try await api.send(
                .post, "/api/v1/batch-runs", as: "admin", json: ["period": "2026-09", "asOf": "2026-10-05T00:00:00+08:00"])
            let recomputed = (rerun.json["inputs"] as? [String: Any])?["recomputed"] as? [String: Any]
            #expect(recomputed?["outlets"] as? Int == 1 && recomputed?["staff"] as? Int == 1)
            let full = try await api.send(
                .post, "/api/v1/batch-runs", as: "admin", json: ["period": "2026-09", "asOf": "2026-10-05T00:00:00+08:00", "full": true])
            #expect(full.json["state"] as? String == "succeeded")
            #expect((full.json["inputs"] as? [String: Any])?.keys.contains("recomputed") == false)
            // The incremental rerun left nothing for the full one to write.
            #expect(full.json["kpiRows"] as? Int == 0)
            let notBoolean = try await api.send(.post, "/api/v1/batch-runs", as: "admin", json: ["period": "2026-09", "full": "yes"])
            #expect(notBoolean.status == .badRequest)
            #expect((try await api.send(.get, "/api/v1/batch-runs", as: "analyst").json["items"] as? [Any])?.count == 3)
            let badPeriod = try await api.send(.get, "/api/v1/league?period=2026-13&kpi=MS", as: "admin")
            #expect(badPeriod.status == .unprocessableContent || badPeriod.status == .badRequest)
        }
    }

    @Test func callCentreRowsGoThroughTheImportChecks() async throws {
        let app = try await TestApp.make()
        let bad = Data(
            #"{"rows": [{"response_id": "J1", "outlet_code": "O1", "responded_at": "2026-10-02T09:00:00+08:00", "sat": 5}, {"response_id": "J2", "outlet_code": "O1", "responded_at": "2026-10-02T09:00:00+08:00", "sat": 9}, {"response_id": "J3", "outlet_code": "O7", "responded_at": "2026-10-02T09:00:00+08:00", "sat": 4}]}"#
                .utf8)
        try await app.run { api in
            let refused = try await api.send(.post, "/api/v1/surveys", as: "admin", body: bad)
            #expect(refused.status == .unprocessableContent)
            #expect(refused.problemPaths == ["rows[1].sat", "rows[2].outlet_code"])
            let skipped = try await api.send(.post, "/api/v1/surveys?skipInvalid=true", as: "admin", body: bad)
            #expect(skipped.status == .ok)
            #expect(skipped.json["inserted"] as? Int == 1)
            #expect((skipped.json["rejected"] as? [Any])?.count == 2)
            #expect(try await api.send(.post, "/api/v1/complaints", as: "admin", body: Data("[1,2]".utf8)).status == .badRequest)
            #expect(try await api.send(.post, "/api/v1/surveys", as: "auditor", body: bad).status == .forbidden)
        }
    }
}
