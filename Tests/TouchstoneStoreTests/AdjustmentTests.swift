import Foundation
import PQ
import Testing
import TouchstoneCore
import TouchstoneStore
import TouchstoneTestSupport

/// Late events of a closed period (rules.md §6): stored and flagged late, the closed period
/// unchanged, and the next open period's run pays the difference as adjustment rows.
@Suite struct AdjustmentTests {
    static let september = Period.month(2026, 9)!
    static let october = Period.month(2026, 10)!
    static let november = Period.month(2026, 11)!
    static let runner = BatchRunner.withPayouts

    /// The worked example paid and closed for September (E7 1976.89, E8 1800.00).
    static func closedSeptember() async throws -> (Database, Tenant, PeriodStatus) {
        let (database, tenant) = try await TestDatabase.make()
        try await PayoutBatchTests.workedExampleEvents(database, tenant)
        _ = try await BatchFixtures.run(database, tenant, "2026-09", runner: runner)
        try await PayoutQueries.approve(tenant: tenant, period: september, by: .person("hq"), database: database)
        let closed = try await PeriodQueries.close(tenant: tenant, period: september, actor: "hq", database: database)
        return (database, tenant, closed)
    }

    /// Six unhappy callbacks for O2 in September, after it closed: O2's top-2-box falls from
    /// 96 % (24/25, tier 120) to 77.42 % (24/31, below every tier: 0).
    static func lateCallbacks(_ database: Database, _ tenant: Tenant) async throws {
        var csv = "response_id,outlet_code,employee_no,responded_at,channel,sat,nps\n"
        for i in 0..<6 { csv += "LATE-\(i),O2,,2026-09-2\(i)T12:00:00+08:00,phone,1,\n" }
        try await BatchFixtures.importCSVText(database, tenant, .surveys, csv)
    }

    static func adjustmentLines(_ period: Period, _ database: Database, _ tenant: Tenant) async throws -> [String] {
        try await PayoutFixtures.export(period, tenant: tenant, database: database)
            .split(separator: "\n").map(String.init).filter { $0.contains("adjusts") }
    }

    @Test func nextRunPaysTheDifferenceOnce() async throws {
        let (database, tenant, closed) = try await Self.closedSeptember()
        try await Self.lateCallbacks(database, tenant)

        // October's run recomputes September: E7's CSAT attainment (20 days O1 at 100, 10 days O2 now 0)
        // is 66.6667; score 0.6 × 83.3333 + 0.4 × 66.6667 = 76.6667 %; 2133.33 × 76.6667 % = 1635.56.
        // E8 (O1 only) is unchanged: no row.
        let job = try await BatchFixtures.run(database, tenant, "2026-10", runner: Self.runner)
        #expect(
            try await Self.adjustmentLines(Self.october, database, tenant) == [
                "2026-10,E7,王芳,SA,2133.33,76.6667,-341.33,CNY,\"adjusts 2026-09 (late events): recomputed 1635.56, paid 1976.89\""
            ])
        let rows = try await PayoutQueries.list(tenant: tenant, period: Self.october, employeeNo: "E7", database: database)
        #expect(rows.map(\.adjustsPeriod) == [nil, "2026-09"])
        let explanations = try await PayoutQueries.explanations(tenant: tenant, period: Self.october, employeeNo: "E7", database: database)
        #expect(explanations[0].adjustment == nil)
        #expect(
            explanations[1].adjustment
                == PayoutExplanation.Adjustment(
                    period: "2026-09", recomputed: Decimal(string: "1635.56")!, paid: Decimal(string: "1976.89")!))
        #expect(explanations[1].period == "2026-09")
        #expect(explanations[1].text.contains("Adjustment of 2026-09 (late events): recomputed 1635.56 − paid 1976.89 = -341.33 CNY"))
        let recorded = try await database.tenantTransaction(tenant, readOnly: true) { conn in
            try conn.queryFirst("SELECT (inputs->'adjustments')::text FROM batch_jobs WHERE id = \(job.id)")?.decode(0, as: String.self)
        }
        #expect(recorded == #"[{"rows": 1, "period": "2026-09"}]"#)

        // September itself did not change.
        #expect(try await PeriodQueries.recomputeHash(tenant: tenant, period: Self.september, database: database) == closed.resultsHash)

        // A rerun of October gives the same rows (the regular ones unchanged, so not written again;
        // the adjustment written anew); once October is closed, November owes nothing more,
        // even with September's CSAT definition changed since (the recomputation uses what September's run used).
        let before = try await PayoutFixtures.storedRows(Self.october, tenant: tenant, database: database)
        let rerun = try await BatchFixtures.run(database, tenant, "2026-10", runner: Self.runner, full: true)
        #expect(
            try await PayoutFixtures.storedRows(Self.october, tenant: tenant, database: database)
                == before.map { $0.contains(",2026-09,") ? $0.replacingOccurrences(of: ",\(job.id),", with: ",\(rerun.id),") : $0 })
        try await PayoutQueries.approve(tenant: tenant, period: Self.october, by: .person("hq"), database: database)
        _ = try await PeriodQueries.close(tenant: tenant, period: Self.october, actor: "hq", database: database)
        try await BatchFixtures.defineKPIs(
            database, tenant,
            """
            [{"code": "CSAT", "name": "回访满意率", "metric": "survey.top2box", "direction": "higher",
              "threshold": 80, "target": 90, "minSample": 50}]
            """)
        _ = try await BatchFixtures.run(database, tenant, "2026-11", runner: Self.runner)
        #expect(try await Self.adjustmentLines(Self.november, database, tenant) == [])
    }

    @Test func moreLateEventsAdjustOnlyWhatWasNotYetPaid() async throws {
        let (database, tenant, _) = try await Self.closedSeptember()
        try await Self.lateCallbacks(database, tenant)
        _ = try await BatchFixtures.run(database, tenant, "2026-10", runner: Self.runner)
        try await PayoutQueries.approve(tenant: tenant, period: Self.october, by: .person("hq"), database: database)
        _ = try await PeriodQueries.close(tenant: tenant, period: Self.october, actor: "hq", database: database)

        // Twenty happy callbacks for O2 arrive later still: 44/51 = 86.27 % → tier 60.
        // E7: (20 × 100 + 10 × 60) / 30 = 86.6667; score 50 + 34.6667 = 84.6667 %; payout 1806.22.
        var csv = "response_id,outlet_code,employee_no,responded_at,channel,sat,nps\n"
        for i in 0..<20 { csv += "LATER-\(i),O2,,2026-09-2\(i % 10)T15:00:00+08:00,phone,5,\n" }
        try await BatchFixtures.importCSVText(database, tenant, .surveys, csv)
        _ = try await BatchFixtures.run(database, tenant, "2026-11", runner: Self.runner)
        #expect(
            try await Self.adjustmentLines(Self.november, database, tenant) == [
                "2026-11,E7,王芳,SA,2133.33,84.6667,170.66,CNY,\"adjusts 2026-09 (late events): recomputed 1806.22, paid 1635.56\""
            ])
    }

    @Test func noLateEventsNoAdjustments() async throws {
        let (database, tenant, _) = try await Self.closedSeptember()
        let job = try await BatchFixtures.run(database, tenant, "2026-10", runner: Self.runner)
        #expect(try await Self.adjustmentLines(Self.october, database, tenant) == [])
        let recorded = try await database.tenantTransaction(tenant, readOnly: true) { conn in
            try conn.queryFirst("SELECT (inputs->'adjustments')::text FROM batch_jobs WHERE id = \(job.id)")?.decode(0, as: String.self)
        }
        #expect(recorded == "[]")
    }
}
