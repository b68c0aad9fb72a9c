import Foundation
import PQ
import Testing
import TouchstoneCore
import TouchstoneStore
import TouchstoneTestSupport

/// Approving and closing periods (rules.md §6): once closed, nothing of the period changes,
/// whoever asks, and its results hash recomputes identically.
@Suite struct PeriodCloseTests {
    static let september = Period.month(2026, 9)!

    static func closedSeptember() async throws -> (Database, Tenant, PeriodStatus) {
        let (database, tenant) = try await PayoutFixtures.paidWorkedExample()
        #expect(try await PayoutQueries.approve(tenant: tenant, period: september, by: .person("hq-anna"), database: database) == 2)
        let closed = try await PeriodQueries.close(tenant: tenant, period: september, actor: "hq-anna", database: database)
        return (database, tenant, closed)
    }

    @Test func approveThenClose() async throws {
        let (database, tenant, closed) = try await Self.closedSeptember()
        #expect(closed.isClosed)
        #expect(closed.closedBy == "hq-anna")
        #expect(closed.resultsHash?.count == 64)
        let rows = try await PayoutQueries.list(tenant: tenant, period: Self.september, database: database)
        #expect(rows.allSatisfy { $0.approvedBy == "hq-anna" && $0.approvedAt != nil })
        #expect(try await PeriodQueries.status(tenant: tenant, period: Self.september, database: database) == closed)
        #expect(try await PeriodQueries.recomputeHash(tenant: tenant, period: Self.september, database: database) == closed.resultsHash)

        await #expect(throws: StoreError.periodClosed("period 2026-09 is already closed")) {
            try await PeriodQueries.close(tenant: tenant, period: Self.september, actor: "hq-anna", database: database)
        }
        await #expect(throws: StoreError.notFound("period 2026-10 has no batch run to close")) {
            try await PeriodQueries.close(tenant: tenant, period: Period.month(2026, 10)!, actor: "hq-anna", database: database)
        }
    }

    /// Four eyes (docs/payroll.md): whoever ran the batch may not approve its payouts; closing
    /// waits for an approval; a rerun replaces the payouts and with them their approval.
    @Test func fourEyesOnApprovalAndClosingNeedsAnApproval() async throws {
        let (database, tenant) = try await TestDatabase.make()
        try await PayoutBatchTests.workedExampleEvents(database, tenant)
        _ = try await BatchFixtures.run(database, tenant, "2026-09", runner: .withPayouts)  // started by "test"

        await #expect(
            throws: StoreError.invalidState(
                "Four eyes: 2 payout rows of 2026-09 are not approved; a head-office user who did not run the batch must approve them before the period is closed."
            )
        ) {
            try await PeriodQueries.close(tenant: tenant, period: Self.september, actor: "hq", database: database)
        }
        await #expect(
            throws: StoreError.invalidState(
                "Four eyes: test ran the batch that computed the payouts of 2026-09, so another head-office user must approve them.")
        ) {
            try await PayoutQueries.approve(tenant: tenant, period: Self.september, by: .person("test"), database: database)
        }
        // The refusal stamped nothing.
        #expect(try await PayoutQueries.list(tenant: tenant, period: Self.september, database: database).allSatisfy { $0.approvedBy == nil })
        #expect(try await PayoutQueries.approve(tenant: tenant, period: Self.september, by: .person("hq"), database: database) == 2)

        // A rerun replaces the approved payouts with draft ones: closing waits for a new approval.
        _ = try await BatchFixtures.run(database, tenant, "2026-09", runner: .withPayouts)
        #expect(try await PayoutQueries.list(tenant: tenant, period: Self.september, database: database).allSatisfy { $0.approvedBy == nil })
        await #expect(throws: StoreError.self) {
            try await PeriodQueries.close(tenant: tenant, period: Self.september, actor: "hq", database: database)
        }
        // A rerun that changed nothing keeps the rows (and their job), yet whoever started it ran the
        // batch whose payouts are approved: refused too.
        _ = try await BatchRunner.withPayouts.run(
            tenant: tenant, period: Self.september, asOf: BatchFixtures.instant("2026-11-05T00:00:00+08:00"), startedBy: "hq-ben",
            database: database)
        await #expect(throws: StoreError.self) {
            try await PayoutQueries.approve(tenant: tenant, period: Self.september, by: .person("hq-ben"), database: database)
        }
        // The command line is the operator's: its approval of a run it started is not refused.
        #expect(try await PayoutQueries.approve(tenant: tenant, period: Self.september, by: .commandLine("test"), database: database) == 2)
        let closed = try await PeriodQueries.close(tenant: tenant, period: Self.september, actor: "hq", database: database)
        #expect(closed.isClosed)
    }

    @Test func closedPeriodRefusesEveryChange() async throws {
        let (database, tenant, closed) = try await Self.closedSeptember()
        let before = try await PayoutFixtures.storedRows(Self.september, tenant: tenant, database: database)
        #expect(before.count == 2)

        // A rerun of the payouts.
        await #expect(throws: StoreError.self) {
            try await PayoutFixtures.runPayouts(Self.september, tenant: tenant, database: database)
        }
        // New KPI results.
        await #expect(throws: StoreError.self) {
            try await PayoutFixtures.setKPIs(PayoutFixtures.workedExampleKPIs(o2Responses: 2), period: "2026-09", tenant: tenant, database: database)
        }
        // A direct UPDATE as the runtime role.
        do {
            try await database.tenantTransaction(tenant) { conn in
                _ = try conn.execute("UPDATE payouts SET payout = payout + 1")
            }
            Issue.record("an UPDATE of a closed period's payouts went through")
        } catch let error as StoreError {
            guard case .periodClosed(let message) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(message.contains("2026-09 is closed"))
        }
        // Approving again, or reopening the period.
        await #expect(throws: StoreError.self) {
            try await PayoutQueries.approve(tenant: tenant, period: Self.september, by: .person("someone"), database: database)
        }
        await #expect(throws: StoreError.self) {
            try await database.tenantTransaction(tenant) { conn in
                _ = try conn.execute("UPDATE periods SET state = 'open'")
            }
        }
        // Changing the plan version that paid it (a new version is fine and leaves the period alone).
        do {
            try await database.tenantTransaction(tenant) { conn in
                _ = try conn.execute("UPDATE plans SET definition = definition || '{\"cap\": 200}' WHERE code = 'SA' AND version = 1")
            }
            Issue.record("a paid plan version changed")
        } catch let error as StoreError {
            guard case .immutable = error else {
                Issue.record("unexpected \(error)")
                return
            }
        }
        let changed = Data(
            String(decoding: try Data(contentsOf: PayoutFixtures.sample("plan-sa.json")), as: UTF8.self)
                .replacingOccurrences(of: "\"cap\": 150", with: "\"cap\": 120").utf8)
        #expect(try await PlanQueries.add(tenant: tenant, json: changed, database: database).plan.version == 2)

        #expect(try await PayoutFixtures.storedRows(Self.september, tenant: tenant, database: database) == before)
        #expect(try await PeriodQueries.recomputeHash(tenant: tenant, period: Self.september, database: database) == closed.resultsHash)
        #expect(try await PlanQueries.get(tenant: tenant, code: "SA", version: 1, database: database).definition.contains("\"cap\": 150"))
    }

    @Test func hashCoversResults() async throws {
        let (database, tenant) = try await PayoutFixtures.paidWorkedExample()
        let hash = try await PeriodQueries.recomputeHash(tenant: tenant, period: Self.september, database: database)
        try await PayoutFixtures.setKPIs(PayoutFixtures.workedExampleKPIs(o2Responses: 2), period: "2026-09", tenant: tenant, database: database)
        let kpisChanged = try await PeriodQueries.recomputeHash(tenant: tenant, period: Self.september, database: database)
        #expect(kpisChanged != hash)
        try await PayoutFixtures.runPayouts(Self.september, tenant: tenant, database: database)
        let payoutsChanged = try await PeriodQueries.recomputeHash(tenant: tenant, period: Self.september, database: database)
        #expect(payoutsChanged != kpisChanged)
    }
}
