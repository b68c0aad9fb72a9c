import Foundation
import PQ
import Testing
import TouchstoneCore
import TouchstoneStore
import TouchstoneTestSupport

/// `touchstone batch run` end to end: events → KPIs → payouts in one transaction
/// (rules.md §5's worked example from audits and callbacks), then closing the period.
@Suite struct PayoutBatchTests {
    static let september = Period.month(2026, 9)!

    /// Outlets, staff, KPIs, plan SA; an audit of E7 scoring 80; callbacks giving O1 92% and O2 96% top-2-box.
    static func workedExampleEvents(_ database: Database, _ tenant: Tenant) async throws {
        try await PayoutFixtures.loadSamples(tenant: tenant, database: database)
        var surveys = "response_id,outlet_code,employee_no,responded_at,channel,sat,nps\n"
        for (outlet, satisfied) in [("O1", 23), ("O2", 24)] {
            for i in 0..<25 {
                surveys += "\(outlet)-\(i),\(outlet),,2026-09-1\(i % 10)T10:00:00+08:00,phone,\(i < satisfied ? 5 : 2),\n"
            }
        }
        try await BatchFixtures.importCSVText(database, tenant, .surveys, surveys)
        try await BatchFixtures.insertTemplate(database, tenant, code: "demo-visit", version: 1)
        try await BatchFixtures.insertAudit(
            database, tenant,
            BatchFixtures.StoredAudit(
                template: "demo-visit", outlet: "O1", visitedAt: BatchFixtures.instant("2026-09-14T10:32:00+08:00"), servedBy: "E7",
                state: "released", score: 80, criticalFailure: false))
    }

    static let runner = BatchRunner.withPayouts

    @Test func batchComputesKPIsThenPayouts() async throws {
        let (database, tenant) = try await TestDatabase.make()
        try await Self.workedExampleEvents(database, tenant)
        let job = try await BatchFixtures.run(database, tenant, "2026-09", runner: Self.runner)
        #expect(job.state == .succeeded)
        #expect(job.payoutRows == 2)
        #expect(job.inputs?.kpis == ["CRIT", "CSAT", "MS"])
        let csv = try await PayoutFixtures.export(Self.september, tenant: tenant, database: database)
        #expect(
            csv == """
                period,employee_no,name,plan,prorated_target,score_pct,payout,currency,note
                2026-09,E7,王芳,SA,2133.33,92.6667,1976.89,CNY,
                2026-09,E8,李强,SA,1800.00,100.0000,1800.00,CNY,"MS insufficient, dropped"

                """)
        let recorded = try await database.tenantTransaction(tenant, readOnly: true) { conn in
            try conn.queryFirst("SELECT (inputs->'payouts')::text, inputs ? 'audits' FROM batch_jobs WHERE id = \(job.id)")
                .map { (try $0.decode(0, as: String.self), try $0.decode(1, as: Bool.self)) }
        }
        #expect(recorded?.0.contains("\"plans\": {\"SA\": 1}") == true)
        #expect(recorded?.0.contains("\"people\": 2") == true)
        #expect(recorded?.1 == true)

        // A rerun gives the same rows to the cent, explanations included.
        let before = try await PayoutFixtures.storedRows(Self.september, tenant: tenant, database: database)
        _ = try await BatchFixtures.run(database, tenant, "2026-09", runner: Self.runner)
        let after = try await PayoutFixtures.storedRows(Self.september, tenant: tenant, database: database)
        #expect(after.map { $0.replacingOccurrences(of: ",\(job.id + 1),", with: ",\(job.id),") } == before)
    }

    @Test func closedPeriodRefusesRerunAndFailedRunChangesNothing() async throws {
        let (database, tenant) = try await TestDatabase.make()
        try await Self.workedExampleEvents(database, tenant)
        _ = try await BatchFixtures.run(database, tenant, "2026-09", runner: Self.runner)
        try await PayoutQueries.approve(tenant: tenant, period: Self.september, by: .person("hq"), database: database)
        let closed = try await PeriodQueries.close(tenant: tenant, period: Self.september, actor: "hq", database: database)
        let before = try await PayoutFixtures.storedRows(Self.september, tenant: tenant, database: database)

        await #expect(throws: StoreError.periodClosed("period 2026-09 is closed: its results cannot change")) {
            try await BatchFixtures.run(database, tenant, "2026-09", runner: Self.runner)
        }
        // A late callback is stored, flagged late; the closed results stay as they were.
        try await BatchFixtures.importCSVText(
            database, tenant, .surveys,
            """
            response_id,outlet_code,employee_no,responded_at,channel,sat,nps
            LATE-1,O2,,2026-09-30T18:00:00+08:00,phone,1,
            LATE-2,O2,,2026-09-01T00:00:00+08:00,phone,1,
            LATE-3,O2,,2026-09-30T15:59:59Z,phone,1,
            EDGE-1,O2,,2026-08-31T23:59:59+08:00,phone,1,
            EDGE-2,O2,,2026-10-01T00:00:00+08:00,phone,1,

            """)
        // The period is cut in the tenant's time zone (Asia/Shanghai): its first and last instants are late, the ones around it not.
        let late = try await database.tenantTransaction(tenant, readOnly: true) { conn in
            try conn.query("SELECT response_id, late FROM survey_responses WHERE response_id ~ '^(LATE|EDGE)' ORDER BY response_id")
                .map { "\(try $0.decode(0, as: String.self))=\(try $0.decode(1, as: Bool.self))" }
        }
        #expect(late == ["EDGE-1=false", "EDGE-2=false", "LATE-1=true", "LATE-2=true", "LATE-3=true"])
        #expect(try await PayoutFixtures.storedRows(Self.september, tenant: tenant, database: database) == before)
        #expect(try await PeriodQueries.recomputeHash(tenant: tenant, period: Self.september, database: database) == closed.resultsHash)
    }
}
