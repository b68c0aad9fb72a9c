import Foundation
import Hummingbird
import HummingbirdTesting
import PQ
import Testing
import TouchstoneCore
import TouchstoneServer
import TouchstoneStore

/// The payroll page and four eyes through the real application (docs/payroll.md): the analyst
/// who ran the batch is refused on approve (page and API alike), closing waits for an approval,
/// an admin approves and closes; totals, filters, sorting, explanation, downloads, adjustments
/// of later periods, and who may see the page.
@Suite("Pages: payroll") struct PayrollPageTests {
    /// The page fixture with plan SA, its 2026-09 batch run again by the analyst through the API,
    /// and a page password for the analyst.
    static func make() async throws -> PageFixture {
        let fixture = try await PageFixture.make()
        let app = fixture.app
        _ = try await PlanQueries.add(tenant: app.tenant, json: try Data(contentsOf: TestApp.sample("plan-sa.json")), database: app.database)
        try await SessionQueries.setPasswordHash(
            tenant: app.tenant, login: "analyst", hash: PageFixture.passwordHash("analyst"), database: app.database)
        return fixture
    }

    static func runAsAnalyst(_ client: any TestClientProtocol, _ app: TestApp) async throws {
        let run = try await client.executeRequest(
            uri: "/api/v1/batch-runs", method: .post, headers: TestApp.headers(app.tokens["analyst"]),
            body: ByteBuffer(string: #"{"period": "2026-09", "asOf": "2026-10-05T00:00:00+08:00"}"#))
        #expect(run.status == .ok)
        #expect(run.json["startedBy"] as? String == "analyst")
    }

    /// The text of the element with `id` (up to its first tag), or nil.
    static func element(_ id: String, in html: String) -> String? {
        guard let open = html.range(of: "id=\"\(id)\"") else { return nil }
        let rest = html[open.upperBound...].drop { $0 != ">" }.dropFirst()
        return String(rest.prefix { $0 != "<" })
    }

    /// The `data-employee` values of the payout table's rows, in order.
    static func employees(_ html: String) -> [String] {
        guard let table = html.range(of: "<table id=\"payouts\">"), let end = html.range(of: "</table>", range: table.upperBound..<html.endIndex)
        else {
            return []
        }
        return html[table.upperBound..<end.lowerBound].components(separatedBy: "<tr data-employee=\"").dropFirst().map {
            String($0.prefix { $0 != "\"" })
        }
    }

    @Test func analystRunsAdminApprovesAndClosesFourEyesOnThePage() async throws {
        let fixture = try await Self.make()
        let app = fixture.app
        try await app.application.test(.router) { client in
            try await Self.runAsAnalyst(client, app)
            let analyst = try #require(try await PageClient.login(client, "analyst"))
            let page = try await analyst.get("/payroll?period=2026-09")
            #expect(page.status == .ok)
            #expect(page.text.contains("id=\"approve\""))
            #expect(!page.text.contains("id=\"close\""))  // closing is for admins
            #expect(
                Self.element("four-eyes", in: page.text)
                    == "Four eyes: analyst ran the batch that computed the payouts of 2026-09, so another head-office user must approve them.")
            #expect(Self.element("payout-rows", in: page.text) == "2")
            #expect(Self.element("approved-rows", in: page.text) == "0")
            let csrf = try #require(PageClient.csrf(in: page.text))

            // The analyst who ran it is refused, on the page, with the rule named.
            let refused = try await analyst.post("/payroll/approve", form: "csrf=\(csrf)&period=2026-09")
            #expect(refused.status == .conflict)
            #expect(
                Self.element("payroll-refusal", in: refused.text)
                    == "Four eyes: analyst ran the batch that computed the payouts of 2026-09, so another head-office user must approve them.")
            #expect(Self.element("approved-rows", in: refused.text) == "0")
            #expect(try await analyst.post("/payroll/approve", form: "csrf=forged&period=2026-09").status == .forbidden)

            // Closing waits for an approval.
            let admin = try #require(try await PageClient.login(client, "admin"))
            let adminPage = try await admin.get("/payroll?period=2026-09")
            #expect(Self.element("four-eyes", in: adminPage.text) == nil)
            let adminCSRF = try #require(PageClient.csrf(in: adminPage.text))
            let early = try await admin.post("/payroll/close", form: "csrf=\(adminCSRF)&period=2026-09")
            #expect(early.status == .conflict)
            #expect(Self.element("payroll-refusal", in: early.text)?.hasPrefix("Four eyes: 2 payout rows of 2026-09 are not approved") == true)

            let approved = try await admin.post("/payroll/approve", form: "csrf=\(adminCSRF)&period=2026-09")
            #expect(approved.status == .seeOther)
            #expect(approved.headers[.location] == "/payroll?period=2026-09&done=approved")
            let after = try await admin.get("/payroll?period=2026-09&done=approved")
            #expect(Self.element("payroll-notice", in: after.text) == "The payouts are approved.")
            #expect(Self.element("approved-rows", in: after.text) == "2")
            let closed = try await admin.post("/payroll/close", form: "csrf=\(adminCSRF)&period=2026-09")
            #expect(closed.status == .seeOther)
            let final = try await admin.get("/payroll?period=2026-09")
            #expect(final.text.contains("<strong class=\"period-state\">closed</strong>"))
            #expect(!final.text.contains("id=\"approve\"") && !final.text.contains("id=\"close\""))
            #expect(try await PeriodQueries.status(tenant: app.tenant, period: Period.month(2026, 9)!, database: app.database).closedBy == "admin")
        }
    }

    @Test func theAPIRefusesTheRunnerAndClosingWithoutApproval() async throws {
        let fixture = try await Self.make()
        let app = fixture.app
        try await app.application.test(.router) { client in
            try await Self.runAsAnalyst(client, app)
            func post(_ uri: String, as login: String) async throws -> TestResponse {
                try await client.executeRequest(uri: uri, method: .post, headers: TestApp.headers(app.tokens[login]), body: nil)
            }
            let refused = try await post("/api/v1/periods/2026-09/approve", as: "analyst")
            #expect(refused.status == .conflict)
            let problem = refused.json["error"] as? [String: Any]
            #expect(problem?["code"] as? String == "invalid_state")
            #expect(
                problem?["message"] as? String
                    == "Four eyes: analyst ran the batch that computed the payouts of 2026-09, so another head-office user must approve them.")
            let early = try await post("/api/v1/periods/2026-09/close", as: "admin")
            #expect(early.status == .conflict)
            #expect(((early.json["error"] as? [String: Any])?["message"] as? String)?.contains("2 payout rows of 2026-09 are not approved") == true)
            #expect(try await post("/api/v1/periods/2026-09/close", as: "analyst").status == .forbidden)
            let approved = try await post("/api/v1/periods/2026-09/approve", as: "admin")
            #expect(approved.status == .ok)
            #expect(approved.json["approvedRows"] as? Int == 2)
            #expect(try await post("/api/v1/periods/2026-09/close", as: "admin").status == .ok)
        }
    }

    @Test func totalsFiltersSortingExplanationAndDownloads() async throws {
        let fixture = try await Self.make()
        let app = fixture.app
        try await app.application.test(.router) { client in
            try await Self.runAsAnalyst(client, app)
            let rows = try await PayoutQueries.list(tenant: app.tenant, period: Period.month(2026, 9)!, database: app.database)
            let sum = rows.reduce(Decimal(0)) { $0 + $1.payout }
            let admin = try #require(try await PageClient.login(client, "admin"))
            let page = try await admin.get("/payroll?period=2026-09")
            #expect(Self.element("payroll-total", in: page.text) == sum.fixed(2))
            #expect(
                page.text.contains(
                    "<tr data-plan=\"SA\"><td>SA</td><td class=\"num\">2</td><td class=\"num\">2</td><td class=\"num sum\">\(sum.fixed(2))</td>"))
            #expect(page.text.contains("<tr data-region=\"华东\"><td>华东</td><td class=\"num\">2</td>"))
            #expect(Self.employees(page.text) == ["E7", "E8"])

            // Filters and sorting through the query.
            let byPayout = rows.sorted { ($0.payout, $0.employeeNo) > ($1.payout, $1.employeeNo) }.map(\.employeeNo)
            #expect(Self.employees(try await admin.get("/payroll?period=2026-09&sort=payout&dir=desc").text) == byPayout)
            #expect(Self.employees(try await admin.get("/payroll?period=2026-09&sort=employee&dir=desc").text) == ["E8", "E7"])
            let xuhui = try await admin.get("/payroll?period=2026-09&region=%E5%8D%8E%E4%B8%9C%2F%E4%B8%8A%E6%B5%B7%2F%E5%BE%90%E6%B1%87")
            #expect(Self.employees(xuhui.text) == ["E7"])
            #expect(Self.element("payouts-total", in: xuhui.text) == "1")
            #expect(Self.employees(try await admin.get("/payroll?period=2026-09&status=approved").text) == [])
            #expect(Self.employees(try await admin.get("/payroll?period=2026-09&status=draft&plan=SA").text) == ["E7", "E8"])
            #expect(Self.employees(try await admin.get("/payroll?period=2026-09&plan=NONE").text) == [])
            #expect(
                page.text.contains("href=\"/payroll?dir=desc&amp;page=1&amp;period=2026-09&amp;sort=employee\"")
                    || page.text.contains("href=\"/payroll?dir=desc&page=1&period=2026-09&sort=employee\""))

            // One person's explanation.
            let explained = try await admin.get("/payroll?employee=E7&period=2026-09")
            #expect(explained.text.contains("id=\"explanation\""))
            #expect(explained.text.contains("<section class=\"card payout\" data-plan=\"SA\">"))

            // The downloads are the API's exports.
            let csv = try await admin.get("/payroll/payouts.csv?period=2026-09")
            #expect(csv.status == .ok)
            let api = try await client.executeRequest(
                uri: "/api/v1/exports/payouts.csv?period=2026-09", method: .get, headers: TestApp.headers(app.tokens["admin"]), body: nil)
            #expect(csv.text == api.text)
            #expect(csv.text.split(separator: "\n").count == 3)
            let xlsx = try await admin.get("/payroll/payouts.xlsx?period=2026-09")
            #expect(xlsx.status == .ok)
            #expect(xlsx.headers[.contentType] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            #expect(xlsx.headers[.contentDisposition] == "attachment; filename=\"payouts-2026-09.xlsx\"")
        }
    }

    @Test func adjustmentsOfLaterPeriodsAreShownAgainstTheClosedPeriod() async throws {
        let fixture = try await Self.make()
        let app = fixture.app
        let september = Period.month(2026, 9)!
        _ = try await BatchRunner.withPayouts.run(
            tenant: app.tenant, period: september, asOf: try Instant.parse("2026-10-05T00:00:00+08:00", path: "asOf"),
            startedBy: "schedule", database: app.database)
        // A scheduled run: nobody at head office ran it, so the admin may approve it.
        #expect(try await PayoutQueries.approve(tenant: app.tenant, period: september, by: .person("admin"), database: app.database) == 2)
        _ = try await PeriodQueries.close(tenant: app.tenant, period: september, actor: "admin", database: app.database)
        _ = try await app.database.tenantTransaction(app.tenant) { conn in
            try conn.execute(
                """
                INSERT INTO payouts (tenant_id, period, employee_no, plan_code, adjusts_period, plan_version, name, prorated_target,
                                     score_pct, payout, currency, note, explanation, job_id)
                VALUES (app_current_tenant(), '2026-10', 'E7', 'SA', '2026-09', 1, '王芳', 2133.33, 76.6667, -341.33, 'CNY',
                        'adjusts 2026-09 (late events): recomputed 1635.56, paid 1976.89', '{}', 0)
                """)
        }
        try await app.application.test(.router) { client in
            let analyst = try #require(try await PageClient.login(client, "analyst"))
            let page = try await analyst.get("/payroll?period=2026-09")
            #expect(
                page.text.contains(
                    "<tr data-period=\"2026-10\" data-employee=\"E7\"><td>2026-10</td><td>E7</td><td>王芳</td><td>SA</td><td class=\"num payout\">-341.33</td>"
                ))
            #expect(page.text.contains("adjusts 2026-09 (late events): recomputed 1635.56, paid 1976.89"))
            #expect(page.text.contains("<span class=\"closed-by\">admin</span>"))
        }
    }

    @Test func onlyHeadOfficeSeesThePayroll() async throws {
        let fixture = try await Self.make()
        try await fixture.app.application.test(.router) { client in
            for login in ["rm", "om1", "e8"] {
                let user = try #require(try await PageClient.login(client, login))
                #expect(try await user.get("/payroll?period=2026-09").status == .notFound, "\(login)")
                #expect(try await user.get("/payroll/payouts.csv?period=2026-09").status == .forbidden, "\(login)")
                let overview = try await user.get("/outlets/O1?period=2026-09")
                let csrf = PageClient.csrf(in: overview.text) ?? ""
                #expect(try await user.post("/payroll/approve", form: "csrf=\(csrf)&period=2026-09").status == .forbidden, "\(login)")
                #expect(!overview.text.contains("href=\"/payroll\""), "\(login)")
            }
            let analyst = try #require(try await PageClient.login(client, "analyst"))
            #expect(try await analyst.get("/overview?period=2026-09").text.contains("<a href=\"/payroll\">Payroll</a>"))
        }
    }
}
