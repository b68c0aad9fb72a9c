import Testing
import TouchstoneCore
import TouchstoneStore
import TouchstoneTestSupport

/// A region's subtree is the node and the paths below it: `_` and `%` in a region's name are
/// plain characters, not LIKE wildcards (a manager of `R_1` does not see `RX1/…`).
@Suite struct RegionSubtreeTests {
    static let outlets = [("A1", "R_1"), ("A2", "R_1/东"), ("B1", "RX1/东"), ("B2", "R_10"), ("C1", "R%/a"), ("D1", "RA/b")]

    @Test func wildcardsInRegionNamesAreLiteral() async throws {
        let (database, tenant) = try await TestDatabase.make()
        for (code, path) in Self.outlets {
            _ = try await OutletQueries.save(
                tenant: tenant, outlet: Outlet(code: code, name: code, regionPath: path), replace: false, database: database)
            _ = try await StaffQueries.save(
                tenant: tenant,
                member: StaffMember(
                    employeeNo: "E-\(code)", name: code,
                    assignments: [.init(outlet: code, role: "sales", start: CivilDate("2026-01-01")!)]), replace: false, database: database)
        }
        func outlets(_ root: String) async throws -> [String] {
            try await OutletQueries.list(tenant: tenant, after: nil, limit: 100, within: root, database: database).items.map(\.code)
        }
        func staff(_ root: String) async throws -> [String] {
            try await StaffQueries.list(tenant: tenant, after: nil, limit: 100, within: root, database: database).items.map(\.employeeNo)
        }
        #expect(try await outlets("R_1") == ["A1", "A2"])
        #expect(try await outlets("R%") == ["C1"])
        #expect(try await staff("R_1") == ["E-A1", "E-A2"])
        #expect(try await staff("R%") == ["E-C1"])
    }

    @Test func principalsSeeTheSameSubtree() {
        let manager = Principal(tenantID: 1, tenantCode: "t", login: "m", role: .regionManager, regionPath: "R_1")
        #expect(manager.canSee(outlet: "A1", regionPath: "R_1"))
        #expect(manager.canSee(outlet: "A2", regionPath: "R_1/东"))
        #expect(!manager.canSee(outlet: "B1", regionPath: "RX1/东"))
        #expect(!manager.canSee(outlet: "B2", regionPath: "R_10"))
    }
}
