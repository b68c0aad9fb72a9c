import ChainGenerator
import Foundation
import Logging
import Testing
import TouchstoneCore
import TouchstoneStore
import TouchstoneTestSupport

/// The demo chain (12 dealers, 12 months) loaded as `touchstone demo` loads it, once per test
/// process: the suites that read it share one load (it is the heaviest fixture of the suite).
enum LoadedDemoChain {
    struct Loaded: Sendable {
        let database: Database
        let tenant: Tenant
        let summary: DemoChainSummary
        /// Where the chain's files are; ``DemoChainActionTests`` removes it when done.
        let directory: URL
    }

    static let shared = Task { try await load() }

    private static func load() async throws -> Loaded {
        let (database, tenant) = try await TestDatabase.make(tenant: "demo")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("demo-chain-\(UUID().uuidString)")
        let summary = try DemoChainWriter.write(DemoChainSpec(outlets: 12, months: 12), to: directory)
        let logger = Logger(label: "touchstone.test")
        try await DemoChainLoad.run(summary, tenant: tenant, database: database, logger: logger)
        try await DemoChainLoad.runBatches(summary, tenant: tenant, database: database, logger: logger)
        return Loaded(database: database, tenant: tenant, summary: summary, directory: directory)
    }
}

/// What the outlet page and the league table read of the loaded demo chain has something true to show.
@Suite struct DemoChainLoadTests {
    @Test("after loading, every outlet has a 12-point trend and a five-dimension profile beside its region; the league has distinct ranks")
    func demoShowsTheProduct() async throws {
        let demo = try await LoadedDemoChain.shared.value
        let (database, tenant, summary) = (demo.database, demo.tenant, demo.summary)
        let current = try Period.parse(try #require(summary.periods.last))

        let league = try await KPIResultQueries.league(tenant: tenant, period: current, kpi: "MS", level: .outlet, database: database)
        #expect(league.compactMap(\.rank) == Array(1...12))
        var regionDiffers = false
        for entry in league {
            let trend = try await KPIResultQueries.trend(
                tenant: tenant, level: .outlet, subject: entry.subject, kpi: "MS", through: current, count: 12, database: database)
            #expect(trend.map(\.period) == summary.periods)
            #expect(trend.allSatisfy { $0.value != nil }, "\(entry.subject)")
            let profile = try await KPIResultQueries.dimensionProfile(tenant: tenant, period: current, outlet: entry.subject, database: database)
            #expect(Set(profile.map(\.dimension)) == Set(TouchstoneCore.Dimension.allCases))
            #expect(profile.allSatisfy { $0.outlet != nil && $0.region != nil }, "\(entry.subject)")
            regionDiffers = regionDiffers || profile.contains { $0.outlet?.value != $0.region?.value }
        }
        #expect(regionDiffers)
    }

    @Test("every league the batch ranked reads page by page, in both directions, as the whole table ranks it")
    func storedPlacesMatchTheRankedTable() async throws {
        let demo = try await LoadedDemoChain.shared.value
        let (database, tenant) = (demo.database, demo.tenant)
        let current = try Period.parse(try #require(demo.summary.periods.last))
        var insufficient = 0
        for kpi in try await KPIDefinitionQueries.list(tenant: tenant, database: database) {
            for level in [KPILevel.outlet, .staff] {
                let table = try await KPIResultQueries.league(tenant: tenant, period: current, kpi: kpi.code, level: level, database: database)
                let worstFirst = table.filter { $0.rank != nil }.reversed() + table.filter { $0.rank == nil }
                insufficient += table.count { $0.rank == nil }
                for (descending, expected) in [(false, table), (true, Array(worstFirst))] {
                    var read: [LeagueEntry] = []
                    for offset in stride(from: 0, through: table.count, by: 7) {
                        let slice = try #require(
                            try await KPIResultQueries.leagueSlice(
                                tenant: tenant, period: current, kpi: kpi.code, level: level, offset: offset, limit: 7,
                                descending: descending, database: database))
                        #expect(slice.total == table.count)
                        read += slice.entries
                    }
                    #expect(read == expected, "\(kpi.code) \(level) descending: \(descending)")
                }
            }
        }
        #expect(insufficient > 0, "the demo has insufficient results to place last")
        await #expect(throws: StoreError.self) {
            try await KPIResultQueries.leagueSlice(
                tenant: tenant, period: current, kpi: "NOPE", level: .staff, offset: 0, limit: 7, descending: false, database: database)
        }
    }
}
