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
            _ = try await importCSV(kind, file: TestDatabase.samplesDirectory.appendingPathComponent("\(kind.rawValue).csv"),
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
            try conn.execute("""
                INSERT INTO kpi_results (tenant_id, period, level, subject, kpi_code, value, n, status, job_id) VALUES
                (app_current_tenant(), '2026-09', 'staff', 'E7', 'MS', 80, 1, 'amber', 1),
                (app_current_tenant(), '2026-09', 'outlet', 'O1', 'CSAT', 92, 25, 'amber', 1),
                (app_current_tenant(), '2026-09', 'outlet', 'O2', 'CSAT', 96, 25, 'green', 1)
                """)
            try PayoutStep.run(conn, period: Period.month(2026, 9)!, jobID: 1)
        }
    }

    static func app(_ database: Database) throws -> some ApplicationProtocol {
        let router = buildRouter(database: database, migrator: try Migrator(directory: TestDatabase.sqlDirectory),
                                 configuration: .init(), drain: DrainState(), batches: BatchQueue())
        return Application(router: router)
    }

    static func auth(_ token: String?) -> HTTPFields {
        var headers = HTTPFields()
        if let token { headers[.authorization] = "Bearer \(token)" }
        return headers
    }

    static func json(_ buffer: ByteBuffer) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(String(buffer: buffer).utf8))
    }

    @Test func plansPayoutsExplanationsApproveClose() async throws {
        let (database, tenant, tokens) = try await Self.setUp()
        let plan = try Self.sample("plan-sa.json")
        try await Self.app(database).test(.router) { client in
            try await client.execute(uri: "/api/v1/plans", method: .post, headers: Self.auth(tokens["e7"]), body: ByteBuffer(bytes: plan)) {
                #expect($0.status == .forbidden)
            }
            try await client.execute(uri: "/api/v1/plans", method: .post, headers: Self.auth(tokens["hq"]), body: ByteBuffer(bytes: plan)) {
                #expect($0.status == .created)
                let body = try Self.json($0.body) as? [String: Any]
                #expect(body?["outcome"] as? String == "created")
            }
            try await client.execute(uri: "/api/v1/plans", method: .post, headers: Self.auth(tokens["hq"]), body: ByteBuffer(bytes: plan)) {
                #expect($0.status == .ok)
            }
            try await client.execute(uri: "/api/v1/plans", method: .get, headers: Self.auth(tokens["hq"])) {
                let items = (try Self.json($0.body) as? [String: Any])?["items"] as? [[String: Any]]
                #expect(items?.map { $0["code"] as? String } == ["SA"])
            }

            try await Self.writeKPIsAndRun(database, tenant)

            try await client.execute(uri: "/api/v1/payouts", method: .get, headers: Self.auth(tokens["hq"])) {
                #expect($0.status == .badRequest)
            }
            try await client.execute(uri: "/api/v1/payouts?period=2026-09", method: .get, headers: Self.auth(tokens["hq"])) {
                let items = (try Self.json($0.body) as? [String: Any])?["items"] as? [[String: Any]]
                #expect(items?.map { $0["employeeNo"] as? String } == ["E7", "E8"])
                #expect(items?.first?["payout"] as? String == "1976.89")
                #expect(items?.first?["scorePct"] as? String == "92.6667")
                #expect(items?.first?["proratedTarget"] as? String == "2133.33")
            }
            try await client.execute(uri: "/api/v1/payouts?period=2026-09", method: .get, headers: Self.auth(tokens["e8"])) {
                let items = (try Self.json($0.body) as? [String: Any])?["items"] as? [[String: Any]]
                #expect(items?.map { $0["employeeNo"] as? String } == ["E8"])
            }
            try await client.execute(uri: "/api/v1/payouts/E7/explanation?period=2026-09", method: .get, headers: Self.auth(tokens["e7"])) {
                #expect($0.status == .ok)
                let items = try Self.json($0.body) as? [[String: Any]]
                #expect(items?.first?["formula"] as? String == "2133.33 × 92.6667% × 1 = 1976.89")
            }
            try await client.execute(uri: "/api/v1/payouts/E7/explanation?period=2026-09", method: .get, headers: Self.auth(tokens["e8"])) {
                #expect($0.status == .notFound)
            }

            try await client.execute(uri: "/api/v1/periods/2026-09/approve", method: .post, headers: Self.auth(tokens["e7"])) {
                #expect($0.status == .forbidden)
            }
            try await client.execute(uri: "/api/v1/periods/2026-09/approve", method: .post, headers: Self.auth(tokens["hq"])) {
                #expect($0.status == .ok)
                let body = try Self.json($0.body) as? [String: Any]
                #expect(body?["approvedRows"] as? Int == 2)
            }
            try await client.execute(uri: "/api/v1/periods/2026-09/close", method: .post, headers: Self.auth(tokens["e7"])) {
                #expect($0.status == .forbidden)
            }
            try await client.execute(uri: "/api/v1/periods/2026-09/close", method: .post, headers: Self.auth(tokens["hq"])) {
                #expect($0.status == .ok)
                let body = try Self.json($0.body) as? [String: Any]
                #expect(body?["state"] as? String == "closed")
                #expect((body?["resultsHash"] as? String)?.count == 64)
            }
            try await client.execute(uri: "/api/v1/periods/2026-09/approve", method: .post, headers: Self.auth(tokens["hq"])) {
                #expect($0.status == .conflict)
            }
        }
    }
}
