import Foundation
import Testing
import TouchstoneCore
import TouchstoneStore
import TouchstoneTestSupport

/// Visits by hand (create, cancel, start, expiry), the agency coordinator's scope in SQL and the
/// field summary's numbers, against a real PostgreSQL.
@Suite struct AgencyVisitTests {
    /// The audit fixture plus `coord-a` (coordinator of agency A), `aud-a1`, `aud-a2` (auditors of
    /// A) and `aud-x` (an auditor of no agency).
    static func fixture() async throws -> AuditFixture {
        let fixture = try await AuditFixture.make()
        let users: [(String, Role, String?)] = [
            ("coord-a", .agencyCoordinator, "A"), ("aud-a1", .auditor, "A"), ("aud-a2", .auditor, "A"), ("aud-x", .auditor, nil),
        ]
        for (login, role, agency) in users {
            try await IdentityQueries.addUser(
                tenant: fixture.tenant, login: login, displayName: nil, role: role, agencyCode: agency, database: fixture.database)
        }
        return fixture
    }

    static func visit(
        _ id: String, _ outlet: String = "O1", from: String = "2026-10-05", to: String = "2026-10-20", auditor: String? = nil, agency: String? = nil
    )
        -> NewVisit
    {
        NewVisit(id: id, outlet: outlet, template: "demo-visit", templateVersion: 1, windowFrom: from, windowTo: to, auditor: auditor, agency: agency)
    }

    static func problems(_ body: () async throws -> Void) async -> [Problem] {
        do {
            try await body()
        } catch StoreError.invalid(let problems) {
            return problems
        } catch {
            return [Problem(path: "unexpected", message: "\(error)")]
        }
        return []
    }

    @Test func usersCarryTheirAgencyAndACoordinatorNeedsOne() async throws {
        let fixture = try await Self.fixture()
        let people = try await PeopleQueries.list(tenant: fixture.tenant, database: fixture.database)
        #expect(people.map { "\($0.login):\($0.agencyCode ?? "-")" } == ["aud-a1:A", "aud-a2:A", "aud-x:-", "coord-a:A"])
        let missing = await Self.problems {
            try await IdentityQueries.addUser(
                tenant: fixture.tenant, login: "coord-b", displayName: nil, role: .agencyCoordinator, database: fixture.database)
        }
        #expect(missing.map(\.path) == ["agency"])
        // An analyst's agency is dropped, like any scope field its role does not use.
        try await IdentityQueries.addUser(
            tenant: fixture.tenant, login: "an", displayName: nil, role: .analyst, agencyCode: "A", database: fixture.database)
        #expect(try await PeopleQueries.get(tenant: fixture.tenant, login: "an", database: fixture.database).agencyCode == nil)
        // Moving aud-x into agency B through the people update.
        try await PeopleQueries.update(
            tenant: fixture.tenant, login: "aud-x", displayName: nil, scope: try UserScope(role: .auditor, agencyCode: "B"), actor: "admin",
            database: fixture.database)
        #expect(try await PeopleQueries.get(tenant: fixture.tenant, login: "aud-x", database: fixture.database).agencyCode == "B")
    }

    @Test func createChecksEveryFieldLikeTheImport() async throws {
        let fixture = try await Self.fixture()
        let (tenant, database) = (fixture.tenant, fixture.database)
        let made = try await VisitQueries.create(tenant: tenant, visit: Self.visit("H1", auditor: "aud-x"), database: database)
        #expect(made.state == .assigned && made.auditor == "aud-x" && made.agency == nil && made.region == "华东/上海/浦东")
        let planned = try await VisitQueries.create(tenant: tenant, visit: Self.visit("H2", "O3"), database: database)
        #expect(planned.state == .planned && planned.auditor == nil)

        let bad = await Self.problems {
            _ = try await VisitQueries.create(
                tenant: tenant,
                visit: NewVisit(id: " ", outlet: "O1", template: "t", templateVersion: 0, windowFrom: "2026-10-xx", windowTo: "2026-10-01"),
                database: database)
        }
        #expect(bad.map(\.path) == ["id", "templateVersion", "windowFrom"])
        let order = await Self.problems {
            _ = try await VisitQueries.create(tenant: tenant, visit: Self.visit("H3", from: "2026-10-21"), database: database)
        }
        #expect(order.map(\.path) == ["windowTo"] && order.first?.message == "windowTo is before windowFrom")
        let unknown = await Self.problems {
            _ = try await VisitQueries.create(
                tenant: tenant,
                visit: NewVisit(
                    id: "H4", outlet: "O9", template: "demo-visit", templateVersion: 7, windowFrom: "2026-10-01", windowTo: "2026-10-02",
                    auditor: "nobody"), database: database)
        }
        #expect(unknown.map(\.path) == ["outlet", "templateVersion", "auditor"])
        #expect(
            unknown.map(\.message) == [
                "unknown outlet O9", "unknown template demo-visit version 7",
                "unknown auditor nobody (no enabled user with role auditor has this login)",
            ])
        let wrongAgency = await Self.problems {
            _ = try await VisitQueries.create(tenant: tenant, visit: Self.visit("H5", auditor: "aud-x", agency: "A"), database: database)
        }
        #expect(wrongAgency.map(\.message) == ["auditor aud-x is not of agency A"])
        await #expect(throws: StoreError.conflict("visit H1 already exists")) {
            _ = try await VisitQueries.create(tenant: tenant, visit: Self.visit("H1"), database: database)
        }
    }

    @Test func aCoordinatorSeesAndPlansOnlyItsAgency() async throws {
        let fixture = try await Self.fixture()
        let (tenant, database) = (fixture.tenant, fixture.database)
        let coordinator = VisitScope.agency(coordinator: "coord-a")
        _ = try await VisitQueries.create(tenant: tenant, visit: Self.visit("H1", auditor: "aud-x"), database: database)
        _ = try await VisitQueries.create(tenant: tenant, visit: Self.visit("H2", "O2", auditor: "aud-a1"), database: database)
        _ = try await VisitQueries.create(tenant: tenant, visit: Self.visit("H3", "O3"), database: database)
        // The coordinator's visits are planned for its agency, whatever it asks.
        let own = try await VisitQueries.create(tenant: tenant, scope: coordinator, visit: Self.visit("C1", "O1"), database: database)
        #expect(own.agency == "A")
        _ = try await VisitQueries.create(tenant: tenant, scope: coordinator, visit: Self.visit("C2", "O3", from: "2026-10-06"), database: database)
        let foreign = await Self.problems {
            _ = try await VisitQueries.create(tenant: tenant, scope: coordinator, visit: Self.visit("C3", agency: "B"), database: database)
        }
        #expect(foreign.map(\.message) == ["you plan visits for agency A only"])
        let outsider = await Self.problems {
            _ = try await VisitQueries.create(tenant: tenant, scope: coordinator, visit: Self.visit("C4", auditor: "aud-x"), database: database)
        }
        #expect(outsider.map(\.message) == ["auditor aud-x is not of agency A"])

        let seen = try await VisitQueries.list(tenant: tenant, scope: coordinator, filter: .init(), database: database)
        #expect(seen.map(\.visitID) == ["C1", "H2", "C2"])
        let all = try await VisitQueries.list(tenant: tenant, filter: .init(), database: database)
        #expect(all.map(\.visitID) == ["C1", "H1", "H2", "H3", "C2"])
        #expect(try await VisitQueries.list(tenant: tenant, filter: .init(agency: "A"), database: database).map(\.visitID) == ["C1", "C2"])
        #expect(try await VisitQueries.list(tenant: tenant, filter: .init(region: "华东/浙江"), database: database).map(\.visitID) == ["H3", "C2"])
        #expect(
            try await VisitQueries.list(tenant: tenant, scope: .auditor("aud-a1"), filter: .init(), database: database).map(\.visitID) == ["H2"])

        // Auto-assignment by the coordinator: only its agency's planned visits, only to its auditors.
        let run = try await VisitQueries.assign(
            tenant: tenant, scope: coordinator, period: Period("2026-10")!, today: CivilDate("2026-10-01")!, database: database)
        #expect(run.lines.map(\.visitID) == ["C1", "C2"])
        // C1: aud-a1 already holds H2 this period, aud-a2 has fewer; C2: a tie, the smaller login.
        #expect(run.lines.map(\.auditor) == ["aud-a2", "aud-a1"])
        #expect(try await VisitQueries.get(tenant: tenant, visitID: "H3", database: database).state == .planned)

        // Cancelling: not found outside the scope; idempotent; a submitted visit refuses.
        await #expect(throws: StoreError.notFound("visit H1")) {
            _ = try await VisitQueries.cancel(tenant: tenant, scope: coordinator, visitID: "H1", database: database)
        }
        #expect(try await VisitQueries.cancel(tenant: tenant, scope: coordinator, visitID: "C1", database: database).state == .cancelled)
        #expect(try await VisitQueries.cancel(tenant: tenant, scope: coordinator, visitID: "C1", database: database).state == .cancelled)
        // Head office's run leaves agency A's visits to A's auditors: H3 (no agency) goes to anyone.
        let headOffice = try await VisitQueries.assign(
            tenant: tenant, period: Period("2026-10")!, today: CivilDate("2026-10-01")!, database: database)
        #expect(headOffice.lines.map(\.visitID) == ["H3"])
        #expect(headOffice.lines.first?.auditor != nil)
    }

    @Test func visitsStartAndExpireByThePureRule() async throws {
        let fixture = try await Self.fixture()
        let (tenant, database) = (fixture.tenant, fixture.database)
        _ = try await VisitQueries.create(tenant: tenant, visit: Self.visit("S1", auditor: "aud-a1"), database: database)
        _ = try await VisitQueries.create(tenant: tenant, visit: Self.visit("S2", to: "2026-10-10", auditor: "aud-a1"), database: database)
        _ = try await VisitQueries.create(tenant: tenant, visit: Self.visit("S3", to: "2026-10-10"), database: database)
        let today = CivilDate("2026-10-11")!
        let started = try await VisitQueries.start(tenant: tenant, auditor: "aud-a1", visitID: "S1", today: today, database: database)
        #expect(started.state == .inProgress)
        #expect(try await VisitQueries.start(tenant: tenant, auditor: "aud-a1", visitID: "S1", today: today, database: database).state == .inProgress)
        await #expect(throws: StoreError.notFound("visit S1")) {
            _ = try await VisitQueries.start(tenant: tenant, auditor: "aud-a2", visitID: "S1", today: today, database: database)
        }
        // S2's window ended on the 10th: it expires before it can start.
        await #expect(throws: StoreError.invalidState("visit S2 is expired and cannot be started")) {
            _ = try await VisitQueries.start(tenant: tenant, auditor: "aud-a1", visitID: "S2", today: today, database: database)
        }
        // Listing with today expires S3 (planned) as well; a started visit whose window is open stays.
        let listed = try await VisitQueries.list(tenant: tenant, filter: .init(), today: today, database: database)
        #expect(listed.map { "\($0.visitID):\($0.state.rawValue)" } == ["S1:in_progress", "S2:expired", "S3:expired"])
        await #expect(throws: StoreError.invalidState("visit S2 is expired and cannot be cancelled")) {
            _ = try await VisitQueries.cancel(tenant: tenant, visitID: "S2", database: database)
        }
    }

    @Test func theFieldSummaryCountsInSQL() async throws {
        let fixture = try await Self.fixture()
        let (tenant, database) = (fixture.tenant, fixture.database)
        let coordinator = VisitScope.agency(coordinator: "coord-a")
        _ = try await VisitQueries.create(tenant: tenant, visit: Self.visit("F1", "O1", to: "2026-10-10", auditor: "aud-x"), database: database)
        _ = try await VisitQueries.create(tenant: tenant, visit: Self.visit("F2", "O2", auditor: "aud-a1"), database: database)
        _ = try await VisitQueries.create(tenant: tenant, scope: coordinator, visit: Self.visit("F3", "O3", to: "2026-10-10"), database: database)
        _ = try await VisitQueries.create(tenant: tenant, scope: coordinator, visit: Self.visit("F4", "O3"), database: database)
        _ = try await VisitQueries.cancel(tenant: tenant, visitID: "F4", database: database)
        _ = try await VisitQueries.create(tenant: tenant, visit: Self.visit("N1", "O1", from: "2026-11-01", to: "2026-11-05"), database: database)
        let summary = try await FieldSummaryQueries.summary(
            tenant: tenant, period: Period("2026-10")!, today: CivilDate("2026-10-11")!, database: database)
        func row(_ c: FieldSummary.Counts) -> String { "\(c.key ?? "-"):\(c.planned)/\(c.done)/\(c.expired)/\(c.cancelled)" }
        #expect(summary.byRegion.map(row) == ["华东/上海/徐汇:1/0/0/0", "华东/上海/浦东:1/0/1/0", "华东/浙江/杭州:1/0/1/1"])
        #expect(summary.byAgency.map(row) == ["-:1/0/1/0", "A:2/0/1/1"])
        #expect(summary.flaggedAudits == 0 && summary.flags.isEmpty && summary.flagged.isEmpty)
    }
}
