import Foundation
import Testing
import TouchstoneCore
import TouchstoneStore
import TouchstoneTestSupport

/// Visit plans against a real PostgreSQL: the CSV import, auto-assignment (rotation, staff
/// list, regions, load, determinism, reasons) and expiry.
@Suite struct VisitTests {
    static let header = "visit_id,outlet_code,template,template_version,window_from,window_to,auditor\n"

    /// The audit fixture plus auditors: `aud-a` (anywhere), `aud-b` (only 华东/浙江), `aud-c`
    /// (employee E8, on O1's staff list).
    static func fixture() async throws -> AuditFixture {
        let fixture = try await AuditFixture.make()
        let auditors: [(String, String?, String?)] = [("aud-a", nil, nil), ("aud-b", "华东/浙江", nil), ("aud-c", nil, "E8")]
        for (login, region, employee) in auditors {
            try await IdentityQueries.addUser(
                tenant: fixture.tenant, login: login, displayName: nil, role: .auditor,
                regionPath: region, employeeNo: employee, database: fixture.database)
        }
        return fixture
    }

    static func importVisits(_ fixture: AuditFixture, _ rows: String, dryRun: Bool = false) async throws -> ImportReport {
        try await importCSV(
            .visits, file: try ImportTests.write(header + rows), tenant: fixture.tenant,
            options: ImportOptions(dryRun: dryRun), database: fixture.database)
    }

    static let plan = """
        V1,O1,demo-visit,1,2026-10-05,2026-10-20,
        V2,O2,demo-visit,1,2026-10-01,2026-10-31,
        V3,O3,demo-visit,1,2026-10-10,2026-10-12,
        V4,O1,demo-visit,1,2026-10-25,2026-10-31,
        V5,O3,demo-visit,1,2026-11-02,2026-11-09,aud-b

        """

    @Test func importIsIdempotentAndListsByPeriodStateAndAuditor() async throws {
        let fixture = try await Self.fixture()
        let first = try await Self.importVisits(fixture, Self.plan)
        #expect(first.inserted == 5)
        let again = try await Self.importVisits(fixture, Self.plan)
        #expect(again.inserted == 0)
        #expect(again.updated == 0)
        #expect(again.unchanged == 5)

        let october = try await VisitQueries.list(tenant: fixture.tenant, period: Period("2026-10"), database: fixture.database)
        #expect(october.map(\.visitID) == ["V2", "V1", "V3", "V4"])
        #expect(october.allSatisfy { $0.state == .planned && $0.auditor == nil })
        let assigned = try await VisitQueries.list(tenant: fixture.tenant, state: .assigned, database: fixture.database)
        #expect(assigned.map(\.visitID) == ["V5"])
        #expect(assigned.first?.auditor == "aud-b")
        #expect(assigned.first?.windowTo == CivilDate("2026-11-09"))
        let byAuditor = try await VisitQueries.list(tenant: fixture.tenant, auditor: "aud-b", database: fixture.database)
        #expect(byAuditor.map(\.visitID) == ["V5"])

        let changed = try await Self.importVisits(fixture, "V1,O1,demo-visit,1,2026-10-06,2026-10-20,\n")
        #expect(changed.updated == 1)
        #expect(try await VisitQueries.get(tenant: fixture.tenant, visitID: "V1", database: fixture.database).windowFrom == CivilDate("2026-10-06"))
    }

    @Test func importRefusesUnknownReferencesByLineAndColumn() async throws {
        let fixture = try await Self.fixture()
        let rows = """
            V1,O9,demo-visit,1,2026-10-05,2026-10-20,
            V2,O1,demo-visit,7,2026-10-05,2026-10-20,
            V3,O1,demo-visit,1,2026-10-05,2026-10-20,nobody
            V4,O1,demo-visit,1,2026-10-21,2026-10-20,
            V5,O1,demo-visit,1,2026-10-xx,2026-10-20,
            V3,O1,demo-visit,1,2026-10-05,2026-10-20,

            """
        await #expect {
            _ = try await Self.importVisits(fixture, rows)
        } throws: { error in
            guard case StoreError.invalid(let problems) = error else { return false }
            let paths = Set(problems.map(\.path))
            return paths.isSuperset(of: [
                "line 2, column outlet_code", "line 3, column template_version", "line 4, column auditor",
                "line 5, column window_to", "line 6, column window_from",
            ])
                && problems.contains { $0.path == "line 7, column visit_id" && $0.message.contains("first on line 4") }
        }
        #expect(try await VisitQueries.list(tenant: fixture.tenant, database: fixture.database).isEmpty)
    }

    @Test func autoAssignmentFollowsTheRulesIsDeterministicAndSaysWhy() async throws {
        let fixture = try await Self.fixture()
        _ = try await Self.importVisits(fixture, Self.plan)
        let today = CivilDate("2026-09-30")!
        let run = try await VisitQueries.assign(tenant: fixture.tenant, period: Period("2026-10")!, today: today, database: fixture.database)
        // By window start: V2 (O2) → aud-a (aud-b outside its region; ties to the smaller login);
        // V1 (O1) → aud-a (aud-c is on O1's staff list); V3 (O3) → aud-c (aud-b holds V5 at O3 in
        // November: rotation); V4 (O1): aud-a was given O1 in this run, aud-b outside, aud-c staff.
        #expect(run.lines.map(\.visitID) == ["V2", "V1", "V3", "V4"])
        #expect(run.lines.map(\.auditor) == ["aud-a", "aud-a", "aud-c", nil])
        #expect(run.lines[3].reason == "no auditor may go: 1 staff_of_outlet, 1 outside_regions, 1 rotation")

        let v4 = try await VisitQueries.get(tenant: fixture.tenant, visitID: "V4", database: fixture.database)
        #expect(v4.state == .planned)
        #expect(v4.unassignedReason == run.lines[3].reason)
        let v1 = try await VisitQueries.get(tenant: fixture.tenant, visitID: "V1", database: fixture.database)
        #expect(v1.state == .assigned)
        #expect(v1.auditor == "aud-a")
        #expect(v1.unassignedReason == nil)

        // Same inputs, same answer: only V4 is still planned and stays unassigned for the same reason.
        let rerun = try await VisitQueries.assign(tenant: fixture.tenant, period: Period("2026-10")!, today: today, database: fixture.database)
        #expect(rerun.lines.map(\.visitID) == ["V4"])
        #expect(rerun.lines[0].reason == run.lines[3].reason)
    }

    @Test func pastAuditsCountForRotationAndLoadIsBalanced() async throws {
        let fixture = try await Self.fixture()
        // The sample audit's auditor is a user too; it audited O2 on 2026-09-14.
        try await IdentityQueries.addUser(
            tenant: fixture.tenant, login: "agency-07/shopper-113", displayName: nil, role: .auditor,
            database: fixture.database)
        _ = try await fixture.submit(try AuditFixture.document(outlet: "O2"))
        _ = try await Self.importVisits(
            fixture,
            """
            W1,O2,demo-visit,1,2026-10-01,2026-10-31,
            W2,O3,demo-visit,1,2026-10-02,2026-10-31,
            W3,O2,demo-visit,1,2026-10-03,2026-10-31,

            """)
        let run = try await VisitQueries.assign(
            tenant: fixture.tenant, period: Period("2026-10")!, today: CivilDate("2026-09-30")!,
            database: fixture.database)
        // The shopper (first login) audited O2 in September: W1 (O2) → aud-a; W2 (O3) → the shopper
        // (fewest, smallest login); W3 (O2): the shopper and aud-a too close, aud-b outside → aud-c.
        #expect(run.lines.map(\.auditor) == ["aud-a", "agency-07/shopper-113", "aud-c"])
    }

    @Test func visitsWhoseWindowEndedExpire() async throws {
        let fixture = try await Self.fixture()
        _ = try await Self.importVisits(fixture, Self.plan)
        let run = try await VisitQueries.assign(
            tenant: fixture.tenant, period: Period("2026-10")!, today: CivilDate("2026-10-21")!,
            database: fixture.database)
        #expect(run.expired == 2)  // V1 (to 10-20) and V3 (to 10-12)
        #expect(run.lines.map(\.visitID) == ["V2", "V4"])
        let expired = try await VisitQueries.list(tenant: fixture.tenant, state: .expired, database: fixture.database)
        #expect(expired.map(\.visitID) == ["V1", "V3"])
        // An expired visit is no longer changed by an import.
        await #expect {
            _ = try await Self.importVisits(fixture, "V1,O1,demo-visit,1,2026-10-22,2026-10-30,\n")
        } throws: { error in
            guard case StoreError.invalid(let problems) = error else { return false }
            return problems.map(\.path) == ["line 2, column visit_id"] && problems[0].message == "visit V1 is expired and can no longer be changed"
        }
    }
}
