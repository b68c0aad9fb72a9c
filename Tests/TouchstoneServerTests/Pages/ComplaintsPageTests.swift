import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TouchstoneCore
import TouchstoneServer
import TouchstoneStore

/// The complaints pages through the real application: head office creates a case (a bad outlet
/// is shown beside its field and stores nothing) and moves it through its states, as the API then
/// shows; a region manager reads its subtree's cases only and has no forms.
@Suite("Pages: complaint cases") struct ComplaintsPageTests {
    /// The case ids of a list page, in order.
    static func rows(_ html: String) -> [String] {
        html.components(separatedBy: #"<tr data-id=""#).dropFirst().map { String($0.prefix { $0 != "\"" }) }
    }

    @Test func aBadOutletIsShownByFieldAndStoresNothing() async throws {
        let fixture = try await PageFixture.make()
        let (tenant, database) = (fixture.app.tenant, fixture.app.database)
        try await fixture.app.application.test(.router) { client in
            let admin = try #require(try await PageClient.login(client, "admin"))
            let page = try await admin.get("/complaints")
            #expect(page.status == .ok)
            #expect(page.text.contains(#"id="nav-complaints""#) && page.text.contains(#"id="complaint-form""#))
            #expect(!page.text.contains("<script"))
            let csrf = try #require(PageClient.csrf(in: page.text))

            let bad = try await admin.post(
                "/complaints", form: PeoplePageTests.form(["id": "PG1", "outlet": "O9", "severity": "high", "comment": "rude"], csrf: csrf))
            #expect(bad.status == .unprocessableContent)
            #expect(
                bad.text.contains(#"aria-describedby="outlet-error"></label> <span class="error" id="outlet-error">no outlet O9</span>"#),
                "\(bad.text)")
            #expect(!bad.text.contains(#"id="id-error""#) && !bad.text.contains(#"id="form-errors""#))
            #expect(bad.text.contains(#"value="PG1""#) && bad.text.contains(#"value="rude""#), "the form keeps what was typed")
            #expect(bad.text.contains(#"<option value="high" selected>"#))
            #expect(try await ComplaintCaseQueries.get(tenant: tenant, id: "PG1", database: database) == nil)
            #expect(try await ComplaintCaseQueries.open(tenant: tenant, database: database).total == 0)

            let noSeverity = try await admin.post("/complaints", form: PeoplePageTests.form(["outlet": "", "severity": "x"], csrf: csrf))
            #expect(noSeverity.status == .unprocessableContent)
            #expect(noSeverity.text.contains(#"id="outlet-error">an outlet code is required</span>"#))
            #expect(noSeverity.text.contains(#"id="severity-error">choose high, medium or low</span>"#))

            let made = try await admin.post("/complaints", form: PeoplePageTests.form(["id": "PG1", "outlet": "O1", "severity": "high"], csrf: csrf))
            #expect(made.status == .seeOther && made.headers[.location] == "/complaints/PG1")
            #expect(try await ComplaintCaseQueries.get(tenant: tenant, id: "PG1", database: database)?.state == .received)
            let twice = try await admin.post(
                "/complaints", form: PeoplePageTests.form(["id": "PG1", "outlet": "O1", "severity": "high"], csrf: csrf))
            #expect(twice.status == .conflict)
            #expect(twice.text.contains(#"<ul class="error" role="alert" id="form-errors"><li>complaint PG1 exists already</li>"#))
            let forged = try await admin.post("/complaints", form: "outlet=O1&severity=high&csrf=forged")
            #expect(forged.status == .forbidden)
            #expect(try await ComplaintCaseQueries.open(tenant: tenant, database: database).total == 1)
        }
    }

    @Test func aRegionManagerSeesItsSubtreeOnly() async throws {
        let fixture = try await PageFixture.make()
        let (tenant, database) = (fixture.app.tenant, fixture.app.database)
        // O1 and O2 lie under rm's 华东/上海, O3 (华东/浙江) does not. A low case opened earlier has
        // a later deadline than a high one opened now; B1 (opened 30 h ago) is escalated and breached.
        let now = Date()
        for (id, outlet, severity, hours) in [
            ("A1", "O1", Severity.low, -10.0), ("A2", "O2", .high, 0), ("Z3", "O3", .high, 0), ("B1", "O1", .high, -30),
        ] {
            _ = try await ComplaintCaseQueries.create(
                tenant: tenant, id: id, outlet: outlet, severity: severity, comment: nil, actor: "admin",
                now: now.addingTimeInterval(hours * 3600), database: database)
        }
        _ = try await ComplaintCaseQueries.sweep(tenant: tenant, now: now, database: database)
        try await fixture.app.application.test(.router) { client in
            let admin = try #require(try await PageClient.login(client, "admin"))
            #expect(Self.rows(try await admin.get("/complaints").text) == ["B1", "A2", "Z3", "A1"], "earliest deadline first")
            #expect(Self.rows(try await admin.get("/complaints?outlet=O3").text) == ["Z3"])
            #expect(Self.rows(try await admin.get("/complaints?state=assigned").text) == [])
            #expect(Self.rows(try await admin.get("/complaints?state=received&outlet=O1").text) == ["B1", "A1"])

            let rm = try #require(try await PageClient.login(client, "rm"))
            let list = try await rm.get("/complaints")
            #expect(list.status == .ok)
            #expect(list.text.contains(#"id="nav-complaints""#))
            #expect(Self.rows(list.text) == ["B1", "A2", "A1"])
            #expect(list.text.contains(#"<span id="complaints-total">3</span>"#))
            #expect(!list.text.contains(#"id="complaint-form""#), "a region manager does not create cases")
            let b1 = try #require(list.text.components(separatedBy: #"<tr data-id="B1""#).last?.components(separatedBy: "</tr>").first)
            #expect(b1.contains(#"<span class="escalated">escalated</span>"#) && b1.contains(#"<span class="critical breached">breached</span>"#))
            let a2 = try #require(list.text.components(separatedBy: #"<tr data-id="A2""#).last?.components(separatedBy: "</tr>").first)
            #expect(!a2.contains("escalated") && !a2.contains("breached"))
            #expect(try await rm.get("/complaints/Z3").status == .notFound)
            let own = try await rm.get("/complaints/A2")
            #expect(own.status == .ok)
            #expect(!own.text.contains("/transitions"), "no transition forms for a region manager")
            let csrf = try #require(PageClient.csrf(in: list.text))
            #expect(
                try await rm.post("/complaints", form: PeoplePageTests.form(["outlet": "O1", "severity": "high"], csrf: csrf)).status == .forbidden)
            #expect(try await rm.post("/complaints/A2/transitions", form: PeoplePageTests.form(["to": "assigned"], csrf: csrf)).status == .forbidden)

            // The API scopes the same way.
            let api = try await client.executeRequest(
                uri: "/api/v1/complaints", method: .get, headers: TestApp.headers(fixture.app.tokens["rm"]), body: nil)
            let items = (api.json["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            #expect(items == ["B1", "A2", "A1"])
            let foreign = try await client.executeRequest(
                uri: "/api/v1/complaints/Z3", method: .get, headers: TestApp.headers(fixture.app.tokens["rm"]), body: nil)
            #expect(foreign.status == .notFound)

            // An outlet manager reads no complaint cases.
            let om = try #require(try await PageClient.login(client, "om1"))
            #expect(try await om.get("/complaints").status == .forbidden)
            #expect(!(try await om.get("/overview").text.contains(#"id="nav-complaints""#)))
        }
    }

    /// 50 cases a page (ComplaintsPage.pageSize).
    @Test func aListIsPaginated() async throws {
        let pageSize = 50
        let fixture = try await PageFixture.make()
        let (tenant, database) = (fixture.app.tenant, fixture.app.database)
        let now = Date()
        for i in 0..<(pageSize + 2) {
            _ = try await ComplaintCaseQueries.create(
                tenant: tenant, id: String(format: "P%03d", i), outlet: "O1", severity: .medium, comment: nil, actor: "admin",
                now: now.addingTimeInterval(Double(i)), database: database)
        }
        try await fixture.app.application.test(.router) { client in
            let admin = try #require(try await PageClient.login(client, "admin"))
            let first = try await admin.get("/complaints")
            #expect(Self.rows(first.text).count == pageSize)
            #expect(Self.rows(first.text).first == "P000")
            #expect(first.text.contains(#"<a href="/complaints?page=2">"#))
            #expect(Self.rows(try await admin.get("/complaints?page=2").text) == ["P050", "P051"])
        }
    }

    @Test func aTransitionThroughThePageShowsInTheAPI() async throws {
        let fixture = try await PageFixture.make()
        try await fixture.app.application.test(.router) { client in
            let admin = try #require(try await PageClient.login(client, "admin"))
            let csrf = try #require(PageClient.csrf(in: try await admin.get("/complaints").text))
            _ = try await admin.post("/complaints", form: PeoplePageTests.form(["id": "PG 7", "outlet": "O1", "severity": "medium"], csrf: csrf))
            let page = try await admin.get("/complaints/PG%207")
            #expect(page.status == .ok)
            #expect(page.text.contains(#"id="assign-form""#) && page.text.contains(#"id="first-response-form""#))
            #expect(!page.text.contains(#"id="resolve-form""#) && !page.text.contains(#"id="close-form""#))
            func step(_ fields: KeyValuePairs<String, String>) async throws -> TestResponse {
                try await admin.post("/complaints/PG%207/transitions", form: PeoplePageTests.form(fields, csrf: csrf))
            }
            let assigned = try await step(["to": "assigned", "assignee": "rm-east", "comment": "to the region"])
            #expect(assigned.status == .seeOther && assigned.headers[.location] == "/complaints/PG%207")
            func apiCase() async throws -> [String: Any] {
                try await client.executeRequest(
                    uri: "/api/v1/complaints/PG%207", method: .get, headers: TestApp.headers(fixture.app.tokens["admin"]), body: nil
                ).json
            }
            var shown = try await apiCase()
            #expect(shown["state"] as? String == "assigned" && shown["assignee"] as? String == "rm-east", "\(shown)")

            let refused = try await step(["to": "closed"])
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains(#"id="form-errors"><li>to: an assigned case moves to first_response, not closed</li>"#), "\(refused.text)")

            _ = try await step(["to": "first_response"])
            _ = try await step(["to": "resolved"])
            #expect(try await admin.get("/complaints/PG%207").text.contains(#"id="callback-form""#))
            _ = try await step(["to": "callback", "satisfied": "no", "comment": "still broken"])
            shown = try await apiCase()
            #expect(shown["state"] as? String == "assigned" && shown["satisfied"] as? Bool == false && shown["resolvedAt"] == nil, "\(shown)")
            let reopened = try await admin.get("/complaints/PG%207").text
            #expect(reopened.contains(#"<span id="complaint-state" data-state="assigned">assigned</span>"#))
            #expect(reopened.contains(#"<td class="change">called back → assigned</td><td>reopened: the customer is not satisfied</td>"#))
            #expect(reopened.contains(#"<td class="change">resolved → called back</td><td>not satisfied: still broken</td>"#))
            #expect(reopened.components(separatedBy: #"<td class="change">"#).count - 1 == 6)

            _ = try await step(["to": "first_response"])
            _ = try await step(["to": "resolved"])
            _ = try await step(["to": "callback", "satisfied": "yes"])
            let closed = try await step(["to": "closed"])
            #expect(closed.status == .seeOther)
            shown = try await apiCase()
            #expect(shown["state"] as? String == "closed" && shown["satisfied"] as? Bool == true, "\(shown)")
            #expect(Self.rows(try await admin.get("/complaints").text) == [], "a closed case leaves the list")
            let zh = try await client.executeRequest(
                uri: "/complaints/PG%207", method: .get, headers: [.cookie: admin.cookie + "; ts_lang=zh-CN"], body: nil)
            #expect(zh.text.contains("已关闭"), "the case in Chinese")
        }
    }
}
