import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TouchstoneCore
import TouchstoneServer
import TouchstoneStore

/// The pages through the real application: login and sessions, the numbers the API reports,
/// and the API's scopes for each role.
@Suite("Pages") struct PageTests {
    @Test func loginSessionAndLogout() async throws {
        let fixture = try await PageFixture.make()
        try await fixture.app.application.test(.router) { client in
            let anonymous = try await client.executeRequest(uri: "/overview?period=2026-09", method: .get, headers: [:], body: nil)
            #expect(anonymous.status == .seeOther)
            #expect(anonymous.headers[.location] == "/login?next=%2Foverview%3Fperiod%3D2026-09")
            #expect(try await PageClient.login(client, "admin", password: "wrong-password") == nil)
            #expect(try await PageClient.login(client, "nobody") == nil)
            let login = try await PageClient.attempt(client, "admin", password: "wrong")
            #expect(login.status == .unauthorized)
            #expect(login.text.contains("Tenant, login or password is not right."))

            let admin = try #require(try await PageClient.login(client, "admin"))
            let overview = try await admin.get("/overview?period=2026-09")
            #expect(overview.status == .ok)
            let csrf = try #require(PageClient.csrf(in: overview.text))
            #expect(try await admin.post("/logout", form: "csrf=forged").status == .forbidden)
            #expect(try await admin.post("/logout", form: "csrf=\(csrf)").status == .seeOther)
            #expect(try await admin.get("/overview").status == .seeOther)
        }
    }

    @Test func sessionCookieIsHttpOnlySameSiteLax() async throws {
        let fixture = try await PageFixture.make()
        try await fixture.app.application.test(.router) { client in
            let response = try await PageClient.attempt(client, "om1", next: "//evil.example")
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/")
            let cookie = try #require(response.headers[.setCookie])
            #expect(cookie.hasPrefix("ts_session="))
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"))
        }
    }

    @Test func secureCookiesWhenServedOverHTTPS() async throws {
        let fixture = try await PageFixture.make(configuration: ServerConfiguration(uploadRateLimit: nil, secureCookies: true))
        try await fixture.app.application.test(.router) { client in
            let login = try await PageClient.attempt(client, "om1")
            #expect(login.headers[.setCookie]?.contains("; Secure") == true)
            let language = try await client.executeRequest(uri: "/language/zh-CN", method: .get, headers: [:], body: nil)
            #expect(language.headers[.setCookie]?.contains("; Secure") == true)
        }
        let plain = try await PageFixture.make()
        try await plain.app.application.test(.router) { client in
            let language = try await client.executeRequest(uri: "/language/zh-CN", method: .get, headers: [:], body: nil)
            #expect(language.headers[.setCookie]?.contains("Secure") == false)
        }
    }

    /// Five failures within 15 minutes lock the account's logins (even with the right password),
    /// answered 429 with Retry-After; other accounts log in as before.
    @Test func repeatedFailedLoginsLockTheAccountForAWhile() async throws {
        let fixture = try await PageFixture.make()
        try await fixture.app.application.test(.router) { client in
            func attempt(_ login: String, _ password: String) async throws -> TestResponse {
                try await PageClient.attempt(client, login, password: password)
            }
            for _ in 1...5 {
                #expect(try await attempt("om1", "guess").status == .unauthorized)
            }
            let locked = try await attempt("om1", PageFixture.password("om1"))
            #expect(locked.status == .tooManyRequests)
            let wait = try #require(locked.headers[.retryAfter].flatMap { Int($0) })
            #expect((1...900).contains(wait))
            #expect(locked.text.contains("Too many failed logins for this account."))
            #expect(try await PageClient.login(client, "om2") != nil)
        }
    }

    @Test func pagesShowTheAPIsNumbers() async throws {
        let fixture = try await PageFixture.make()
        try await fixture.app.application.test(.router) { client in
            let admin = try #require(try await PageClient.login(client, "admin"))
            let overview = try await admin.get("/overview?period=2026-09").text
            #expect(overview.contains(#"<tr data-kpi="MS"><td>MS</td>"#))
            #expect(overview.contains(#"<td class="num value">61.98</td>"#))
            let league = try await admin.get("/league?period=2026-09&kpi=MS&level=outlet").text
            #expect(league.contains(#"<tr data-subject="O1"><td class="num rank">1</td>"#))
            #expect(league.contains("61.98"))
            let csv = try await admin.get("/league.csv?period=2026-09&kpi=MS&level=outlet").text
            #expect(csv.hasPrefix("rank,subject,name,value,n,status,previous,change\n1,O1,"))
            let xlsx = try await admin.get("/league.xlsx?period=2026-09&kpi=MS&level=outlet")
            #expect(xlsx.status == .ok && xlsx.headers[.contentType] == WorkbookZip.contentType)
            #expect(WorkbookZip.isZip(xlsx.body))
            #expect(league.contains(#"id="xlsx" href="/league.xlsx?"#))
            let outlet = try await admin.get("/outlets/O1?period=2026-09&kpi=MS").text
            #expect(outlet.contains("61.98") && outlet.contains("<svg") && outlet.contains("radar-chart"))
            #expect(outlet.contains(TestApp.sampleID))
            let audit = try await admin.get("/audits/\(TestApp.sampleID)")
            #expect(audit.status == .ok)
            #expect(audit.text.contains(#"<strong id="audit-score">61.98</strong>"#))
            let staff = try await admin.get("/staff/E8?period=2026-09")
            #expect(staff.status == .ok)
            #expect(staff.text.contains("E8"))
            let batch = try await admin.get("/batch")
            #expect(batch.status == .ok && batch.text.contains(#"<td class="num kpi-rows">"#))
        }
    }

    @Test func evidenceThumbnailsWithinTheAuditsScope() async throws {
        let fixture = try await PageFixture.make()
        _ = try await AuditQueries.attach(
            tenant: fixture.app.tenant, auditID: TestApp.sampleID, item: "P1", name: "front.jpg", bytes: Data("test".utf8),
            maxSize: 1024, actor: "auditor", database: fixture.app.database)
        try await fixture.app.application.test(.router) { client in
            let om1 = try #require(try await PageClient.login(client, "om1"))
            let outlet = try await om1.get("/outlets/O1?period=2026-09").text
            let thumbnail = "/audits/\(TestApp.sampleID)/evidence/P1/front.jpg"
            #expect(outlet.contains(#"<img src="\#(thumbnail)""#))
            let image = try await om1.get(thumbnail)
            #expect(image.status == .ok && image.headers[.contentType] == "image/jpeg" && image.text == "test")
            let om2 = try #require(try await PageClient.login(client, "om2"))
            #expect(try await om2.get(thumbnail).status == .notFound)
        }
    }

    @Test func disputeAndDecideThroughTheAuditPagesForms() async throws {
        let fixture = try await PageFixture.make()
        try await fixture.app.application.test(.router) { client in
            let audit = "/audits/\(TestApp.sampleID)"
            let om1 = try #require(try await PageClient.login(client, "om1"))
            let page = try await om1.get(audit).text
            #expect(page.contains(#"id="dispute-form""#) && !page.contains("/review"))
            let csrf = try #require(PageClient.csrf(in: page))
            let disputed = try await om1.post("\(audit)/disputes", form: "csrf=\(csrf)&item=S1&reason=the+queue+was+short")
            #expect(disputed.status == .seeOther && disputed.headers[.location] == audit)

            let admin = try #require(try await PageClient.login(client, "admin"))
            let adminPage = try await admin.get(audit).text
            #expect(adminPage.contains("the queue was short") && adminPage.contains("/disputes/S1/decision"))
            let adminCSRF = try #require(PageClient.csrf(in: adminPage))
            #expect(try await om1.post("\(audit)/disputes/S1/decision", form: "csrf=\(csrf)&decision=reject&reason=no").status == .forbidden)
            let decided = try await admin.post(
                "\(audit)/disputes/S1/decision", form: "csrf=\(adminCSRF)&decision=reject&reason=the+photo+shows+a+queue")
            #expect(decided.status == .seeOther)
            let record = try await AuditQueries.get(tenant: fixture.app.tenant, id: TestApp.sampleID, database: fixture.app.database)
            #expect(record.disputes.first?.state == "rejected" && record.disputes.first?.decisionReason == "the photo shows a queue")
        }
    }

    @Test func chineseLabelsWhenChosen() async throws {
        let fixture = try await PageFixture.make()
        try await fixture.app.application.test(.router) { client in
            let admin = try #require(try await PageClient.login(client, "admin"))
            let choose = try await admin.get("/language/zh-CN?next=%2Foverview")
            #expect(choose.status == .seeOther)
            let language = try #require(choose.headers[.setCookie]).split(separator: ";")[0]
            let page = try await client.executeRequest(
                uri: "/overview?period=2026-09", method: .get, headers: [.cookie: "\(admin.cookie); \(language)"], body: nil)
            #expect(page.text.contains("风险预警") && page.text.contains(#"<html lang="zh-CN">"#))
        }
    }

    @Test func scopesAreTheAPIs() async throws {
        let fixture = try await PageFixture.make()
        try await fixture.app.application.test(.router) { client in
            let rm = try #require(try await PageClient.login(client, "rm"))
            #expect(try await rm.get("/overview?period=2026-09").text.contains(#"<strong id="scope">华东/上海</strong>"#))
            #expect(
                try await rm.get("/league?period=2026-09&kpi=MS&level=outlet&region=%E5%8D%8E%E4%B8%9C%2F%E6%B5%99%E6%B1%9F").status == .forbidden)
            #expect(try await rm.get("/batch").status == .forbidden)

            let om2 = try #require(try await PageClient.login(client, "om2"))
            #expect(try await om2.get("/overview").headers[.location] == "/outlets/O2")
            #expect(try await om2.get("/outlets/O1?period=2026-09").status == .notFound)
            #expect(try await om2.get("/audits/\(TestApp.sampleID)").status == .notFound)
            #expect(try await om2.get("/league?period=2026-09&kpi=MS&level=outlet").status == .forbidden)
            let om1 = try #require(try await PageClient.login(client, "om1"))
            #expect(try await om1.get("/outlets/O1?period=2026-09").status == .ok)
            #expect(try await om1.get("/audits/\(TestApp.sampleID)").status == .ok)

            let e8 = try #require(try await PageClient.login(client, "e8"))
            #expect(try await e8.get("/overview").headers[.location] == "/staff/E8")
            #expect(try await e8.get("/staff/E8?period=2026-09").status == .ok)
            #expect(try await e8.get("/staff/E1?period=2026-09").status == .notFound)
            #expect(try await e8.get("/outlets/O1?period=2026-09").status == .notFound)
        }
    }

    @Test func formsNeedTheSessionsCSRFToken() async throws {
        let fixture = try await PageFixture.make()
        try await fixture.app.application.test(.router) { client in
            let admin = try #require(try await PageClient.login(client, "admin"))
            #expect(try await admin.post("/batch", form: "period=2026-09").status == .forbidden)
            let other = try #require(try await PageClient.login(client, "admin"))
            let foreign = try #require(PageClient.csrf(in: try await other.get("/batch").text))
            #expect(try await admin.post("/batch", form: "period=2026-09&csrf=\(foreign)").status == .forbidden)
            let anonymous = try await client.executeRequest(
                uri: "/batch", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: "period=2026-09")
            )
            #expect(anonymous.status == .seeOther)
        }
    }

    /// An audit that raised trust signals shows them, with what each means, on its page (in the
    /// chosen language) and beside it on the outlet page; a clean audit shows none.
    @Test func auditPagesShowTrustSignals() async throws {
        let fixture = try await PageFixture.make()
        let skewed = UUID().uuidString.lowercased()
        let sentAt = Instant.format(Date().addingTimeInterval(1800), in: TimeZone(identifier: "Asia/Shanghai")!)
        let receipt = try await AuditQueries.submit(
            tenant: fixture.app.tenant,
            document: try TestApp.sampleAudit { document in
                document["id"] = skewed
                document["auditor"] = "agency-02/shopper-9"
                document["attachments"] = []
                document["device"] = ["sentAt": sentAt]
            },
            submittedBy: "auditor", database: fixture.app.database)
        #expect(receipt.flags == ["clock_skew"] && receipt.state == .submitted)
        try await fixture.app.application.test(.router) { client in
            let admin = try #require(try await PageClient.login(client, "admin"))
            let page = try await admin.get("/audits/\(skewed)").text
            #expect(page.contains(#"<li data-flag="clock_skew">Device clock differs from the server&#39;s</li>"#))
            let clean = try await admin.get("/audits/\(TestApp.sampleID)").text
            #expect(!clean.contains("audit-flags"))
            let outlet = try await admin.get("/outlets/O1?period=2026-09&kpi=MS").text
            #expect(outlet.contains(#"<span class="flag" title="Device clock differs from the server&#39;s">clock_skew</span>"#))
            let chinese = try await client.executeRequest(
                uri: "/audits/\(skewed)", method: .get, headers: [.cookie: admin.cookie + "; ts_lang=zh-CN"], body: nil)
            #expect(chinese.text.contains("设备时间与服务器时间不一致"))
        }
    }

    /// The overview links the period's KPI and audit downloads for head office; they are the
    /// API's exports, and nobody else gets them.
    @Test func overviewOffersTheExportsToHeadOffice() async throws {
        let fixture = try await PageFixture.make()
        try await fixture.app.application.test(.router) { client in
            let admin = try #require(try await PageClient.login(client, "admin"))
            let overview = try await admin.get("/overview?period=2026-09").text
            #expect(overview.contains(#"<a id="kpis-xlsx" href="/exports/kpis.xlsx?period=2026-09">"#))
            #expect(overview.contains(#"<a id="audits-csv" href="/exports/audits.csv?period=2026-09">"#))
            let api = APIClient(client: client, tokens: fixture.app.tokens)
            for export in ["kpis", "audits"] {
                let page = try await admin.get("/exports/\(export).csv?period=2026-09")
                let fromAPI = try await api.send(.get, "/api/v1/exports/\(export).csv?period=2026-09", as: "admin")
                #expect(page.status == .ok && page.text == fromAPI.text && page.text.contains("\n"))
                let workbook = try await admin.get("/exports/\(export).xlsx?period=2026-09")
                #expect(workbook.status == .ok && WorkbookZip.isZip(workbook.body))
            }
            let regionManager = try #require(try await PageClient.login(client, "rm"))
            #expect(!(try await regionManager.get("/overview?period=2026-09").text.contains("downloads")))
            #expect(try await regionManager.get("/exports/kpis.csv?period=2026-09").status == .forbidden)
        }
    }
}
