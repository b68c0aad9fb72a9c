import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TouchstoneCore
import TouchstoneServer
import TouchstoneStore

/// The visits page and the overview's field section through the real application: head office
/// plans, cancels and auto-assigns; an agency coordinator sees and plans its agency's visits
/// only and has no overview; the people page sets a user's agency.
@Suite("Pages: visits and the field") struct VisitsPageTests {
    static func fixture() async throws -> PageFixture {
        let fixture = try await PageFixture.make()
        let (tenant, database) = (fixture.app.tenant, fixture.app.database)
        try await IdentityQueries.addUser(
            tenant: tenant, login: "coord", displayName: nil, role: .agencyCoordinator, agencyCode: "A", database: database)
        try await SessionQueries.setPasswordHash(
            tenant: tenant, login: "coord", hash: PageFixture.passwordHash("coord"), database: database)
        try await PeopleQueries.update(
            tenant: tenant, login: "auditor2", displayName: nil, scope: try UserScope(role: .auditor, agencyCode: "A"), actor: "admin",
            database: database)
        return fixture
    }

    static func rows(_ html: String) -> [String] {
        html.components(separatedBy: #"<tr data-visit=""#).dropFirst().map { String($0.prefix { $0 != "\"" }) }
    }

    @Test func headOfficePlansCancelsAndAssigns() async throws {
        let fixture = try await Self.fixture()
        try await fixture.app.application.test(.router) { client in
            let admin = try #require(try await PageClient.login(client, "admin"))
            let page = try await admin.get("/visits?period=2027-03")
            #expect(page.status == .ok)
            #expect(page.text.contains(#"id="nav-visits""#) && page.text.contains(#"id="import-visits""#))
            #expect(!page.text.contains("<script"))
            let csrf = try #require(PageClient.csrf(in: page.text))
            func plan(_ fields: KeyValuePairs<String, String>) async throws -> TestResponse {
                try await admin.post("/visits", form: PeoplePageTests.form(fields, csrf: csrf))
            }
            let made = try await plan([
                "period": "2027-03", "id": "W1", "outlet": "O1", "template": "demo-visit", "templateVersion": "1",
                "windowFrom": "2027-03-01", "windowTo": "2027-03-31",
            ])
            #expect(made.status == .seeOther && made.headers[.location] == "/visits?period=2027-03&done=created")
            let bad = try await plan([
                "period": "2027-03", "id": "W2", "outlet": "O9", "template": "demo-visit", "templateVersion": "1",
                "windowFrom": "2027-03-05", "windowTo": "2027-03-01",
            ])
            #expect(bad.status == .unprocessableContent)
            #expect(bad.text.contains("windowTo: windowTo is before windowFrom"))
            #expect(bad.text.contains(#"value="W2""#), "the form keeps what was typed")
            _ = try await plan([
                "period": "2027-03", "id": "W3", "outlet": "O2", "template": "demo-visit", "templateVersion": "1",
                "windowFrom": "2027-03-02", "windowTo": "2027-03-31", "agency": "A",
            ])
            #expect(Self.rows(try await admin.get("/visits?period=2027-03").text) == ["W1", "W3"])
            #expect(Self.rows(try await admin.get("/visits?period=2027-03&agency=A").text) == ["W3"])
            #expect(
                Self.rows(try await admin.get("/visits?period=2027-03&region=%E5%8D%8E%E4%B8%9C%2F%E4%B8%8A%E6%B5%B7%2F%E5%BE%90%E6%B1%87").text) == [
                    "W3"
                ])

            let assigned = try await admin.post("/visits/assign", form: PeoplePageTests.form(["period": "2027-03"], csrf: csrf))
            #expect(assigned.status == .ok)
            #expect(assigned.text.contains(#"<strong id="assigned-count">2</strong>"#), "\(assigned.text)")
            // W3 is agency A's: only auditor2 (of A) may go.
            #expect(assigned.text.contains(#"<tr data-visit="W3"><td>W3</td><td>O2</td><td class="auditor">auditor2</td>"#))

            let cancelled = try await admin.post("/visits/W1/cancel", form: PeoplePageTests.form(["period": "2027-03"], csrf: csrf))
            #expect(cancelled.status == .seeOther)
            let after = try await admin.get("/visits?period=2027-03&state=cancelled").text
            #expect(Self.rows(after) == ["W1"])
            #expect(after.contains(#"data-state="cancelled""#) && !after.contains(#"action="/visits/W1/cancel""#))

            // The overview's field section counts the period in SQL.
            let overview = try await admin.get("/overview?period=2027-03").text
            #expect(overview.contains(#"<section id="field">"#))
            #expect(overview.contains(#"<tr data-key="A"><td>A</td><td class="num planned">1</td>"#), "\(overview)")
            #expect(overview.contains(#"<td class="num cancelled">1</td>"#))
        }
    }

    @Test func theCoordinatorSeesItsAgencyOnly() async throws {
        let fixture = try await Self.fixture()
        _ = try await VisitQueries.create(
            tenant: fixture.app.tenant,
            visit: NewVisit(id: "HQ", outlet: "O1", template: "demo-visit", templateVersion: 1, windowFrom: "2027-03-01", windowTo: "2027-03-31"),
            database: fixture.app.database)
        try await fixture.app.application.test(.router) { client in
            let coord = try #require(try await PageClient.login(client, "coord"))
            let home = try await coord.get("/overview")
            #expect(home.status == .seeOther && home.headers[.location] == "/visits")
            let page = try await coord.get("/visits?period=2027-03")
            #expect(page.status == .ok)
            #expect(!page.text.contains(#"id="import-visits""#))
            let form = try #require(page.text.components(separatedBy: #"id="visit-form""#).last)
            #expect(!form.contains(#"name="agency""#), "a coordinator's visits are its agency's: no agency field")
            let csrf = try #require(PageClient.csrf(in: page.text))
            let made = try await coord.post(
                "/visits",
                form: PeoplePageTests.form(
                    [
                        "period": "2027-03", "id": "AG1", "outlet": "O3", "template": "demo-visit", "templateVersion": "1",
                        "windowFrom": "2027-03-01", "windowTo": "2027-03-31", "auditor": "auditor2",
                    ], csrf: csrf))
            #expect(made.status == .seeOther)
            let mine = try await coord.get("/visits?period=2027-03").text
            #expect(Self.rows(mine) == ["AG1"])
            #expect(mine.contains(#"<td class="agency">A</td>"#))
            #expect(try await coord.post("/visits/HQ/cancel", form: PeoplePageTests.form(["period": "2027-03"], csrf: csrf)).status == .notFound)
            #expect([.forbidden, .notFound].contains(try await coord.get("/payroll").status))
            #expect(try await coord.get("/imports").status == .forbidden)
        }
    }

    @Test func thePeoplePageSetsAnAgency() async throws {
        let fixture = try await Self.fixture()
        try await fixture.app.application.test(.router) { client in
            let (admin, csrf) = try await PeoplePageTests.admin(client)
            let missing = try await admin.post("/people", form: PeoplePageTests.form(["login": "co2", "role": "agency_coordinator"], csrf: csrf))
            #expect(missing.status == .unprocessableContent && missing.text.contains("agency: an agency coordinator needs an agency code"))
            let added = try await admin.post(
                "/people", form: PeoplePageTests.form(["login": "co2", "role": "agency_coordinator", "agency": "B"], csrf: csrf))
            #expect(added.status == .created)
            #expect(try await PeopleQueries.get(tenant: fixture.app.tenant, login: "co2", database: fixture.app.database).agencyCode == "B")
            #expect(try await admin.get("/people").text.contains(#"<td class="scope">B</td>"#))
        }
    }
}
