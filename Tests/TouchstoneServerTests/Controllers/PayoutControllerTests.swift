import Foundation
import Hummingbird
import HummingbirdTesting
import PQ
import Testing
import TouchstoneCore
import TouchstoneServer
import TouchstoneStore
import TouchstoneTestSupport

/// `/api/v1/payouts`, explanations, approve/close and plans, with real tokens and PostgreSQL.
@Suite struct PayoutControllerTests {
    static func sample(_ name: String) throws -> Data {
        try Data(contentsOf: TestDatabase.samplesDirectory.appendingPathComponent(name))
    }

    /// Samples, rules.md §5's worked-example KPI values for 2026-09, and tokens for an admin, E7 and E8.
    static func setUp() async throws -> (Database, Tenant, [String: String]) {
        let (database, tenant) = try await TestDatabase.make()
        for kind in [ImportKind.outlets, .staff] {
            _ = try await importCSV(
                kind, file: TestDatabase.samplesDirectory.appendingPathComponent("\(kind.rawValue).csv"),
                tenant: tenant, database: database)
        }
        try await KPIDefinitionQueries.define(tenant: tenant, json: try sample("kpis.json"), database: database)
        var tokens: [String: String] = [:]
        for (login, role, employeeNo) in [("hq", Role.admin, nil), ("e7", .staff, "E7"), ("e8", .staff, "E8")] {
            try await IdentityQueries.addUser(tenant: tenant, login: login, displayName: nil, role: role, employeeNo: employeeNo, database: database)
            tokens[login] = try await IdentityQueries.createToken(tenant: tenant, login: login, label: nil, days: 1, database: database).token
        }
        return (database, tenant, tokens)
    }

    static func writeKPIsAndRun(_ database: Database, _ tenant: Tenant) async throws {
        try await database.tenantTransaction(tenant) { conn in
            try conn.execute("INSERT INTO periods (tenant_id, period) VALUES (app_current_tenant(), '2026-09')")
            try conn.execute(
                """
                INSERT INTO kpi_results (tenant_id, period, level, subject, kpi_code, value, n, status, job_id) VALUES
                (app_current_tenant(), '2026-09', 'staff', 'E7', 'MS', 80, 1, 'amber', 1),
                (app_current_tenant(), '2026-09', 'outlet', 'O1', 'CSAT', 92, 25, 'amber', 1),
                (app_current_tenant(), '2026-09', 'outlet', 'O2', 'CSAT', 96, 25, 'green', 1)
                """)
            try PayoutStep.run(conn, period: Period.month(2026, 9)!, jobID: 1)
        }
    }

    /// The application over `database` in the one HTTP test harness (``TestApp/run(_:_:)``), with these tokens.
    static func app(_ database: Database, _ tenant: Tenant, _ tokens: [String: String]) throws -> TestApp {
        let router = buildRouter(
            database: database, migrator: try Migrator(directory: TestDatabase.sqlDirectory),
            configuration: .init(), drain: DrainState(), batches: BatchQueue())
        return TestApp(database: database, tenant: tenant, tokens: tokens, application: Application(router: router))
    }

    @Test func plansPayoutsExplanationsApproveClose() async throws {
        let (database, tenant, tokens) = try await Self.setUp()
        let plan = try Self.sample("plan-sa.json")
        try await Self.app(database, tenant, tokens).run { api in
            #expect(try await api.send(.post, "/api/v1/plans", as: "e7", body: plan).status == .forbidden)
            let created = try await api.send(.post, "/api/v1/plans", as: "hq", body: plan)
            #expect(created.status == .created)
            #expect(created.json["outcome"] as? String == "created")
            #expect(try await api.send(.post, "/api/v1/plans", as: "hq", body: plan).status == .ok)
            let plans = try await api.send(.get, "/api/v1/plans", as: "hq").json["items"] as? [[String: Any]]
            #expect(plans?.map { $0["code"] as? String } == ["SA"])

            try await Self.writeKPIsAndRun(database, tenant)

            #expect(try await api.send(.get, "/api/v1/payouts", as: "hq").status == .badRequest)
            let all = try await api.send(.get, "/api/v1/payouts?period=2026-09", as: "hq").json["items"] as? [[String: Any]]
            #expect(all?.map { $0["employeeNo"] as? String } == ["E7", "E8"])
            #expect(all?.first?["payout"] as? String == "1976.89")
            #expect(all?.first?["scorePct"] as? String == "92.6667")
            #expect(all?.first?["proratedTarget"] as? String == "2133.33")
            let own = try await api.send(.get, "/api/v1/payouts?period=2026-09", as: "e8").json["items"] as? [[String: Any]]
            #expect(own?.map { $0["employeeNo"] as? String } == ["E8"])
            let explanation = try await api.send(.get, "/api/v1/payouts/E7/explanation?period=2026-09", as: "e7")
            #expect(explanation.status == .ok)
            let lines = try JSONSerialization.jsonObject(with: Data(explanation.text.utf8)) as? [[String: Any]]
            #expect(lines?.first?["formula"] as? String == "2133.33 × 92.6667% × 1 = 1976.89")
            #expect(try await api.send(.get, "/api/v1/payouts/E7/explanation?period=2026-09", as: "e8").status == .notFound)

            #expect(try await api.send(.post, "/api/v1/periods/2026-09/approve", as: "e7").status == .forbidden)
            let approved = try await api.send(.post, "/api/v1/periods/2026-09/approve", as: "hq")
            #expect(approved.status == .ok)
            #expect(approved.json["approvedRows"] as? Int == 2)
            #expect(try await api.send(.post, "/api/v1/periods/2026-09/close", as: "e7").status == .forbidden)
            let closed = try await api.send(.post, "/api/v1/periods/2026-09/close", as: "hq")
            #expect(closed.status == .ok)
            #expect(closed.json["state"] as? String == "closed")
            #expect((closed.json["resultsHash"] as? String)?.count == 64)
            #expect(try await api.send(.post, "/api/v1/periods/2026-09/approve", as: "hq").status == .conflict)
        }
    }
}
