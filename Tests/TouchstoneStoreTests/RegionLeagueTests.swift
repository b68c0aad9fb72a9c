import Foundation
import PQ
import Testing
import TouchstoneCore
import TouchstoneStore
import TouchstoneTestSupport

/// A region's league read page by page by the stored places (the whole chain's order restricted
/// to the region's members, ranked among them) is the table the league API ranks within the
/// region, on a random chain with ties, insufficient results and staff who moved between regions.
@Suite struct RegionLeagueTests {
    static let regions = ["北区", "北区/京津", "北区/京津/北京", "北区/河北", "南区", "南区/广东", "南区/广东/深圳"]

    @Test(arguments: [20_261_203 as UInt64, 11])
    func regionSlicesReadAsTheRankedTable(seed: UInt64) async throws {
        let chain = try await IncrementalBatchTests.Chain(seed: seed)
        let (database, tenant) = (chain.database, chain.tenant)
        let period = try #require(Period(IncrementalBatchTests.period))
        let (movedInPeriod, movedBefore) = try await chain.moveStaff()
        #expect(try await chain.run(full: true).state == .succeeded)

        var (ties, insufficient, ranksDiffer) = (0, 0, false)
        var staffRegions: [String: Set<String>] = [:]
        for kpi in try await KPIDefinitionQueries.list(tenant: tenant, database: database) {
            for level in [KPILevel.outlet, .staff] {
                let chainRanks = Dictionary(
                    uniqueKeysWithValues: try await KPIResultQueries.league(
                        tenant: tenant, period: period, kpi: kpi.code, level: level, database: database
                    )
                    .map { ($0.subject, $0.rank) })
                for region in Self.regions {
                    let table = try await KPIResultQueries.league(
                        tenant: tenant, period: period, kpi: kpi.code, level: level, within: region, database: database)
                    var read: [LeagueEntry] = []
                    for offset in stride(from: 0, through: table.count, by: 4) {
                        let slice = try #require(
                            try await KPIResultQueries.leagueSlice(
                                tenant: tenant, period: period, kpi: kpi.code, level: level, within: region, offset: offset, limit: 4,
                                descending: false, regionTotal: offset == 0 ? nil : table.count, database: database))
                        #expect(slice.total == table.count)
                        read += slice.entries
                    }
                    #expect(read == table, "\(kpi.code) \(level) \(region)")
                    #expect(
                        try await KPIResultQueries.leagueSlice(
                            tenant: tenant, period: period, kpi: kpi.code, level: level, within: region, offset: 0, limit: 4,
                            descending: true, database: database) == nil)
                    ties += zip(table, table.dropFirst()).count { $0.rank != nil && $0.rank == $1.rank }
                    insufficient += table.count { $0.rank == nil }
                    ranksDiffer = ranksDiffer || table.contains { $0.rank != chainRanks[$0.subject] ?? nil }
                    if level == .staff, !region.contains("/") {
                        for entry in table { staffRegions[entry.subject, default: []].insert(region) }
                    }
                }
            }
        }
        #expect(ties > 0 && insufficient > 0 && ranksDiffer, "ties \(ties), insufficient \(insufficient)")
        #expect(movedInPeriod.contains { staffRegions[$0] == ["北区", "南区"] })
        #expect(movedBefore.allSatisfy { (staffRegions[$0]?.count ?? 1) == 1 })
        #expect(staffRegions["S001"] == nil)

        // A region without outlets, or a page past what is tested row by row, is ranked whole.
        for (region, offset) in [("西区", 0), ("北区/河北", KPIResultQueries.regionScanRows / 6)] {
            #expect(
                try await KPIResultQueries.leagueSlice(
                    tenant: tenant, period: period, kpi: "MS", level: .staff, within: region, offset: offset, limit: 4,
                    descending: false, database: database) == nil)
        }
        // Results without stored places (computed before sql/0310) are ranked when read.
        try await chain.write(
            "UPDATE kpi_results SET league_rank = NULL, league_position = NULL WHERE kpi_code = 'MS' AND level = 'staff'")
        #expect(
            try await KPIResultQueries.leagueSlice(
                tenant: tenant, period: period, kpi: "MS", level: .staff, within: "北区", offset: 0, limit: 4, descending: false,
                database: database) == nil)
        await #expect(throws: StoreError.self) {
            try await KPIResultQueries.leagueSlice(
                tenant: tenant, period: period, kpi: "NOPE", level: .staff, within: "北区", offset: 0, limit: 4, descending: false,
                database: database)
        }
    }
}
