import Foundation
import PQ
import Testing
import TouchstoneCore
import TouchstoneStore
import TouchstoneTestSupport

/// The counts that the batch stores per scope (sql/0350, sql/0360) are the counts made from the
/// results when a page is read: the overview's red outlets and staff for the whole tenant and every
/// region's subtree, and the size of every region's league table, after a full run (counted
/// again after a change of the organisation, or moved by what it changed) and after incremental
/// reruns, on a random chain with staff who worked in two regions during the period.
@Suite struct ScopeCountTests {
    /// Every region of the chain, one without outlets, and the whole tenant (nil).
    static let scopes: [String?] = [nil, "西区"] + RegionLeagueTests.regions

    /// The red counts of every scope, as "scope kpi outlets staff", KPIs without red omitted, and
    /// the size of every region's league tables, as "scope kpi level size".
    static func counts(_ chain: IncrementalBatchTests.Chain) async throws -> [String] {
        let period = try #require(Period(IncrementalBatchTests.period))
        let kpis = try await KPIDefinitionQueries.list(tenant: chain.tenant, database: chain.database)
        var lines: [String] = []
        for scope in scopes {
            let counts = try await KPISummaryQueries.redCounts(
                tenant: chain.tenant, period: period, within: scope, database: chain.database)
            lines += counts.filter { $0.value != (0, 0) }.map { "\(scope ?? "*") \($0.key) \($0.value.outlets) \($0.value.staff)" }
            guard let scope else { continue }
            for kpi in kpis {
                for level in [KPILevel.outlet, .staff] {
                    let slice = try await KPIResultQueries.leagueSlice(
                        tenant: chain.tenant, period: period, kpi: kpi.code, level: level, within: scope, offset: 0, limit: 1,
                        descending: false, database: chain.database)
                    lines.append("\(scope) \(kpi.code) \(level) \(slice?.total.description ?? "unsliced")")
                }
            }
        }
        return lines.sorted()
    }

    /// The counts made from the results, the stored ones set aside for the call.
    static func liveCounts(_ chain: IncrementalBatchTests.Chain) async throws -> [String] {
        try await chain.write("UPDATE kpi_scope_counts SET period = 'aside'")
        let live = try await counts(chain)
        try await chain.write("UPDATE kpi_scope_counts SET period = \(IncrementalBatchTests.period)")
        return live
    }

    @Test(arguments: [20_261_203 as UInt64, 11])
    func storedCountsAreTheLiveCounts(seed: UInt64) async throws {
        let chain = try await IncrementalBatchTests.Chain(seed: seed)
        var (moved, _) = try await chain.moveStaff()
        // And others to the next outlet within their region (天津 to 河北, 广州 to 南区) during the
        // period: counted once where both outlets' regions meet.
        for (index, employee) in chain.staff.enumerated() where index % 3 == 1 && employee != "S001" {
            moved.append(employee)
            try await chain.write(
                "UPDATE assignments SET end_date = '2026-09-14' WHERE staff_id = (SELECT id FROM staff WHERE employee_no = \(employee))")
            try await chain.write(
                """
                INSERT INTO assignments (tenant_id, staff_id, start_date, end_date, role, outlet_id, target_bonus)
                SELECT app_current_tenant(), s.id, '2026-09-15', NULL, 'advisor', o.id, 1000
                FROM staff s, outlets o WHERE s.employee_no = \(employee) AND o.code = \(chain.outlets[(index + 1) % chain.outlets.count])
                """)
        }
        #expect(try await chain.run(full: true).state == .succeeded)
        let stored = try await Self.counts(chain)
        #expect(stored == (try await Self.liveCounts(chain)))
        // Every scope has its rows, zeros included; the chain has red outlets and red staff, and a
        // red staff member counted in both top regions.
        let rows = try await chain.rows(
            "SELECT count(*) || ' ' || (SELECT (count(*) + 1) * (SELECT count(*) FROM kpi_definitions) FROM regions) FROM kpi_scope_counts")
        #expect(rows == ["120 120"])
        #expect(stored.contains { $0.hasPrefix("* ") && $0.split(separator: " ")[2] != "0" })
        #expect(stored.contains { $0.hasPrefix("* ") && $0.split(separator: " ")[3] != "0" })
        let redMoved = try await chain.rows(
            "SELECT count(*)::text FROM kpi_results WHERE status = 'red' AND level = 'staff' AND subject = ANY(\(moved)::text[])")
        #expect(redMoved != ["0"])

        for round in 0..<3 {
            for _ in 0..<chain.int(2...5) { try await chain.change() }
            let job = try await chain.run()
            #expect(job.inputs?.recomputed != nil)
            #expect(try await Self.counts(chain) == (try await Self.liveCounts(chain)), "round \(round)")
        }
        // A full run over an unchanged organisation moves the counts by the results it changed.
        for _ in 0..<chain.int(3...6) { try await chain.change() }
        #expect(try await chain.run(full: true).inputs?.recomputed == nil)
        #expect(try await Self.counts(chain) == (try await Self.liveCounts(chain)))
        // Counts kept before the league sizes (sql/0360), or none (before sql/0350): the next run,
        // incremental, counts them all again.
        let incompletes: [Query] = ["UPDATE kpi_scope_counts SET outlets = NULL, staff = NULL", "DELETE FROM kpi_scope_counts"]
        for incomplete in incompletes {
            try await chain.write(incomplete)
            try await chain.change()
            #expect(try await chain.run().inputs?.recomputed != nil)
            #expect(try await chain.rows("SELECT count(*)::text FROM kpi_scope_counts WHERE outlets IS NOT NULL") == ["120"])
            #expect(try await Self.counts(chain) == (try await Self.liveCounts(chain)))
        }

        // The league page reads the stored size while the organisation is as the run saw it, and
        // counts the members again once it changed (they are listed as they are now).
        let period = try #require(Period(IncrementalBatchTests.period))
        let size = {
            try await KPIResultQueries.leagueSlice(
                tenant: chain.tenant, period: period, kpi: "MS", level: .staff, within: "北区", offset: 0, limit: 1, descending: false,
                database: chain.database)?.total
        }
        let live = try #require(try await size())
        #expect(live > 0)
        try await chain.write("UPDATE kpi_scope_counts SET staff = staff + 1000 WHERE region = '北区' AND kpi_code = 'MS'")
        #expect(try await size() == live + 1000)
        try await chain.write("UPDATE staff SET name = name || ' (renamed)' WHERE employee_no = 'S001'")
        #expect(try await size() == live)
    }
}
