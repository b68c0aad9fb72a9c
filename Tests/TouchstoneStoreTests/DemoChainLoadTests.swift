import ChainGenerator
import Foundation
import Logging
import Testing
import TouchstoneCore
import TouchstoneStore
import TouchstoneTestSupport

/// A smaller demo chain (12 dealers, 12 months) loaded as `touchstone demo` loads it: what the
/// outlet page and the league table read has something true to show.
@Suite struct DemoChainLoadTests {
    @Test("after loading, every outlet has a 12-point trend and a five-dimension profile beside its region; the league has distinct ranks")
    func demoShowsTheProduct() async throws {
        let (database, tenant) = try await TestDatabase.make(tenant: "demo")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("demo-load-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let summary = try DemoChainWriter.write(DemoChainSpec(outlets: 12, months: 12), to: directory)
        let logger = Logger(label: "touchstone.test")
        try await DemoChainLoad.run(summary, tenant: tenant, database: database, logger: logger)
        try await DemoChainLoad.runBatches(summary, tenant: tenant, database: database, logger: logger)
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

        // Loading again (a second `touchstone demo`) changes nothing and fails on nothing.
        try await DemoChainLoad.run(summary, tenant: tenant, database: database, logger: logger)
    }
}
