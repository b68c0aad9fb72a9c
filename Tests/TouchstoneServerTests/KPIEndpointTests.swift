import Foundation
import Hummingbird
import HummingbirdTesting
import NIOFoundationCompat
import Testing
import TouchstoneCore
import TouchstoneServer
import TouchstoneStore
import TouchstoneTestSupport

/// KPI definitions, the batch and its views through the real HTTP application.
@Suite struct KPIEndpointTests {
    @Test func batchOverHTTPThenLeagueTrendWarningsWithinScope() async throws {
        let app = try await TestApp.make()
        for kind in [ImportKind.surveys, .complaints] {
            _ = try await importCSV(kind, file: TestApp.sample("\(kind.rawValue).csv"), tenant: app.tenant, database: app.database)
        }
        let admin = app.tokens["admin"]
        let kpis = try String(contentsOf: TestApp.sample("kpis.json"), encoding: .utf8)
        try await app.application.test(.router) { client in
            try await client.execute(uri: "/api/v1/kpis", method: .post, headers: TestApp.headers(app.tokens["analyst"]), body: ByteBuffer(string: kpis)) { response in
                #expect(response.status == .forbidden)
            }
            try await client.execute(uri: "/api/v1/kpis", method: .post, headers: TestApp.headers(admin), body: ByteBuffer(string: kpis)) { response in
                #expect(response.status == .ok)
                #expect((response.json["items"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String } == ["MS", "CSAT", "CRIT"])
            }
            _ = try await client.execute(
                uri: "/api/v1/audits", method: .post, headers: TestApp.headers(app.tokens["auditor"]), body: ByteBuffer(data: try TestApp.sampleAudit()))
            let run = #"{"period": "2026-09", "asOf": "2026-10-05T00:00:00+08:00"}"#
            try await client.execute(uri: "/api/v1/batch-runs", method: .post, headers: TestApp.headers(admin), body: ByteBuffer(string: run)) { response in
                #expect(response.status == .ok)
                #expect(response.json["state"] as? String == "succeeded")
            }
            try await client.execute(uri: "/api/v1/league?period=2026-09&kpi=MS&level=outlet", method: .get, headers: TestApp.headers(app.tokens["analyst"])) { response in
                let rows = response.json["items"] as? [[String: Any]] ?? []
                #expect(rows.count == 1)
                #expect(rows.first?["subject"] as? String == "O1")
                #expect(rows.first?["rank"] as? Int == 1)
                #expect((rows.first?["current"] as? [String: Any])?["value"] as? String == "61.98")
            }
            try await client.execute(uri: "/api/v1/league?period=2026-09&kpi=CSAT&level=outlet", method: .get, headers: TestApp.headers(app.tokens["rm"])) { response in
                let rows = response.json["items"] as? [[String: Any]] ?? []
                #expect(rows.compactMap { $0["subject"] as? String }.sorted() == ["O1", "O2"])
                #expect(rows.allSatisfy { ($0["current"] as? [String: Any])?["status"] as? String == "insufficient" })
            }
            try await client.execute(uri: "/api/v1/league?period=2026-09&kpi=MS&region=%E5%8D%8E%E4%B8%9C/%E6%B5%99%E6%B1%9F", method: .get, headers: TestApp.headers(app.tokens["rm"])) { response in
                #expect(response.status == .forbidden)
            }
            try await client.execute(uri: "/api/v1/league?period=2026-09&kpi=MS", method: .get, headers: TestApp.headers(app.tokens["e8"])) { response in
                #expect(response.status == .forbidden)
            }
            try await client.execute(uri: "/api/v1/trend?level=outlet&subject=O1&kpi=MS&periods=2&through=2026-09", method: .get, headers: TestApp.headers(app.tokens["om1"])) { response in
                let points = response.json["points"] as? [[String: Any]] ?? []
                #expect(points.compactMap { $0["period"] as? String } == ["2026-08", "2026-09"])
                #expect(points.first?["value"] == nil || points.first?["value"] is NSNull)
                #expect((points.last?["value"] as? [String: Any])?["value"] as? String == "61.98")
            }
            try await client.execute(uri: "/api/v1/trend?level=outlet&subject=O1&kpi=MS&through=2026-09", method: .get, headers: TestApp.headers(app.tokens["om2"])) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/api/v1/warnings?period=2026-09", method: .get, headers: TestApp.headers(admin)) { response in
                #expect(response.status == .ok)
                #expect((response.json["items"] as? [Any]) != nil)
            }
            try await client.execute(uri: "/api/v1/exports/kpis.csv?period=2026-09&level=outlet", method: .get, headers: TestApp.headers(admin)) { response in
                #expect(String(buffer: response.body).hasPrefix("period,level,subject,kpi,value,n,status\n2026-09,outlet,O1,CRIT,0.00,1,green\n"))
            }
            try await client.execute(uri: "/api/v1/exports/kpis.xlsx?period=2026-09&level=outlet", method: .get, headers: TestApp.headers(admin)) { response in
                #expect(response.status == .ok && response.headers[.contentType] == WorkbookZip.contentType)
                #expect(WorkbookZip.isZip(response.body))
            }
            try await client.execute(uri: "/api/v1/batch-runs", method: .get, headers: TestApp.headers(app.tokens["analyst"])) { response in
                #expect((response.json["items"] as? [Any])?.count == 1)
            }
            try await client.execute(uri: "/api/v1/league?period=2026-13&kpi=MS", method: .get, headers: TestApp.headers(admin)) { response in
                #expect(response.status == .unprocessableContent || response.status == .badRequest)
            }
        }
    }

    @Test func callCentreRowsGoThroughTheImportChecks() async throws {
        let app = try await TestApp.make()
        let admin = app.tokens["admin"]
        let bad = #"{"rows": [{"response_id": "J1", "outlet_code": "O1", "responded_at": "2026-10-02T09:00:00+08:00", "sat": 5}, {"response_id": "J2", "outlet_code": "O1", "responded_at": "2026-10-02T09:00:00+08:00", "sat": 9}, {"response_id": "J3", "outlet_code": "O7", "responded_at": "2026-10-02T09:00:00+08:00", "sat": 4}]}"#
        try await app.application.test(.router) { client in
            try await client.execute(uri: "/api/v1/surveys", method: .post, headers: TestApp.headers(admin), body: ByteBuffer(string: bad)) { response in
                #expect(response.status == .unprocessableContent)
                let paths = ((response.json["error"] as? [String: Any])?["details"] as? [[String: Any]] ?? []).compactMap { $0["path"] as? String }
                #expect(paths == ["rows[1].sat", "rows[2].outlet_code"])
            }
            try await client.execute(uri: "/api/v1/surveys?skipInvalid=true", method: .post, headers: TestApp.headers(admin), body: ByteBuffer(string: bad)) { response in
                #expect(response.status == .ok)
                #expect(response.json["inserted"] as? Int == 1)
                #expect((response.json["rejected"] as? [Any])?.count == 2)
            }
            try await client.execute(uri: "/api/v1/complaints", method: .post, headers: TestApp.headers(admin), body: ByteBuffer(string: "[1,2]")) { response in
                #expect(response.status == .badRequest)
            }
            try await client.execute(uri: "/api/v1/surveys", method: .post, headers: TestApp.headers(app.tokens["auditor"]), body: ByteBuffer(string: bad)) { response in
                #expect(response.status == .forbidden)
            }
        }
    }
}
