import Foundation
import PQ
import TouchstoneCore
import TouchstoneStore
import TouchstoneTestSupport

/// Inputs of payout tests written straight into the tables the batch reads.
enum PayoutFixtures {
    static func sample(_ name: String) -> URL { TestDatabase.samplesDirectory.appendingPathComponent(name) }

    /// One KPI result row.
    struct Result: Sendable {
        var level: String
        var subject: String
        var kpi: String
        var value: Decimal
        var n: Int
        var status: KPIStatus
    }

    /// Replaces the period's KPI results with `results` (what the KPI batch would have written).
    static func setKPIs(_ results: [Result], period: String, tenant: Tenant, database: Database) async throws {
        try await database.tenantTransaction(tenant) { conn in
            _ = try conn.execute("DELETE FROM kpi_results WHERE period = \(period)")
            _ = try conn.execute(
                """
                INSERT INTO kpi_results (tenant_id, period, level, subject, kpi_code, value, n, status, job_id)
                SELECT app_current_tenant(), \(period), r.level, r.subject, r.kpi, r.value, r.n, r.status, 0
                FROM unnest(\(results.map(\.level))::text[], \(results.map(\.subject))::text[], \(results.map(\.kpi))::text[],
                            \(results.map(\.value))::numeric[], \(results.map(\.n))::integer[], \(results.map(\.status.rawValue))::text[])
                     AS r (level, subject, kpi, value, n, status)
                """)
        }
    }

    /// A fresh tenant with the samples, the worked example's KPI results for September 2026 and
    /// their payouts computed (rules.md §5's worked example, paid).
    static func paidWorkedExample() async throws -> (Database, Tenant) {
        let (database, tenant) = try await TestDatabase.make()
        try await loadSamples(tenant: tenant, database: database)
        try await setKPIs(workedExampleKPIs(), period: "2026-09", tenant: tenant, database: database)
        try await runPayouts(Period.month(2026, 9)!, tenant: tenant, database: database)
        return (database, tenant)
    }

    /// Runs the payout step the way the batch does: a job row, then the step in one transaction.
    @discardableResult
    static func runPayouts(_ period: Period, tenant: Tenant, database: Database) async throws -> PayoutStep.Summary {
        try await database.tenantTransaction(tenant) { conn in
            try conn.execute(
                """
                INSERT INTO periods (tenant_id, period) VALUES (app_current_tenant(), \(period.description))
                ON CONFLICT (tenant_id, period) DO NOTHING
                """)
            let jobID = try conn.queryFirst(
                """
                INSERT INTO batch_jobs (tenant_id, period, as_of, state, started_by)
                VALUES (app_current_tenant(), \(period.description), now(), 'running', 'test') RETURNING id
                """)!.decode(0, as: Int64.self)
            return try PayoutStep.run(conn, period: period, jobID: jobID)
        }
    }

    /// The export as text.
    static func export(_ period: Period, excel: Bool = false, tenant: Tenant, database: Database) async throws -> String {
        let lines = Lines()
        try await PayoutExport.write(tenant: tenant, period: period, excel: excel, database: database) { lines.append($0) }
        return lines.text
    }

    /// The period's payout rows exactly as stored (every column), for before/after comparisons.
    static func storedRows(_ period: Period, tenant: Tenant, database: Database) async throws -> [String] {
        try await database.tenantTransaction(tenant, readOnly: true) { conn in
            try conn.query(
                """
                SELECT p::text FROM payouts p WHERE period = \(period.description)
                ORDER BY employee_no, plan_code, adjusts_period
                """
            ).map { try $0.decode(0, as: String.self) }
        }
    }

    /// The samples' outlets, staff, KPI definitions and plan SA.
    static func loadSamples(tenant: Tenant, database: Database) async throws {
        _ = try await importCSV(.outlets, file: sample("outlets.csv"), tenant: tenant, database: database)
        _ = try await importCSV(.staff, file: sample("staff.csv"), tenant: tenant, database: database)
        try await KPIDefinitionQueries.define(tenant: tenant, json: try Data(contentsOf: sample("kpis.json")), database: database)
        _ = try await PlanQueries.add(tenant: tenant, json: try Data(contentsOf: sample("plan-sa.json")), database: database)
    }

    /// rules.md §5's worked example inputs for 2026-09 (`o2Responses` < 5 makes O2's CSAT insufficient).
    static func workedExampleKPIs(o2Responses: Int = 25) -> [Result] {
        [
            Result(level: "staff", subject: "E7", kpi: "MS", value: 80, n: 1, status: .amber),
            Result(level: "outlet", subject: "O1", kpi: "CSAT", value: 92, n: 25, status: .amber),
            Result(level: "outlet", subject: "O2", kpi: "CSAT", value: 96, n: o2Responses, status: o2Responses < 5 ? .insufficient : .green),
        ]
    }
}
