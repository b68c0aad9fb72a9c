import Foundation
import Hummingbird
import HummingbirdTesting
import PQ
import Testing
import TouchstoneCore
import TouchstoneServer
import TouchstoneStore
import TouchstoneTestSupport

/// The people pages through the real application: an admin lists, adds, disables and re-scopes
/// users, resets passwords (a forced change at next login) and creates and revokes API tokens;
/// nobody else may; every change is in the change log, and no secret is.
@Suite("Pages: people and access") struct PeoplePageTests {
    /// `name=value&…`, each value percent-encoded.
    static func form(_ fields: KeyValuePairs<String, String>, csrf: String) -> String {
        var allowed = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)..<Unicode.Scalar(128)))
        allowed.insert(charactersIn: "-._~")
        return (fields.map { ($0.key, $0.value) } + [("csrf", csrf)])
            .map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }.joined(separator: "&")
    }

    /// The secret a page shows once, if any.
    static func secret(in html: String) -> String? {
        guard let range = html.range(of: #"<code id="secret-value">"#) else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "<" })
    }

    /// Logs in as admin and returns the client and its CSRF token.
    static func admin(_ client: any TestClientProtocol) async throws -> (PageClient, String) {
        let admin = try #require(try await PageClient.login(client, "admin"))
        let csrf = try #require(PageClient.csrf(in: try await admin.get("/people").text))
        return (admin, csrf)
    }

    static func api(_ client: any TestClientProtocol, token: String) async throws -> HTTPResponse.Status {
        try await client.executeRequest(uri: "/api/v1/outlets", method: .get, headers: TestApp.headers(token), body: nil).status
    }

    @Test func adminsListAndFilterOthersAreRefused() async throws {
        let fixture = try await PageFixture.make()
        try await fixture.app.application.test(.router) { client in
            let (admin, csrf) = try await Self.admin(client)
            let all = try await admin.get("/people")
            #expect(all.status == .ok)
            for login in ["admin", "analyst", "rm", "om1", "om2", "auditor", "auditor2", "e8"] {
                #expect(all.text.contains(#"<tr data-login="\#(login)">"#), "\(login)")
            }
            #expect(all.text.contains(#"<td class="scope">华东/上海</td>"#))
            #expect(all.text.contains(#"id="nav-people""#))
            let managers = try await admin.get("/people?role=outlet_manager").text
            #expect(managers.components(separatedBy: "<tr data-login=").count - 1 == 2)
            #expect(managers.contains(#"data-login="om1""#) && !managers.contains(#"data-login="rm""#))
            let badRole = try await admin.get("/people?role=root")
            #expect(badRole.status == .unprocessableContent)
            _ = try await admin.post("/people/om2/disable", form: Self.form([:], csrf: csrf))
            let disabled = try await admin.get("/people?state=disabled").text
            #expect(disabled.contains(#"data-login="om2""#) && !disabled.contains(#"data-login="om1""#))
            #expect(!(try await admin.get("/people?state=enabled").text.contains(#"data-login="om2""#)))

            let rm = try #require(try await PageClient.login(client, "rm"))
            let overview = try await rm.get("/overview")
            #expect(!overview.text.contains(#"id="nav-people""#))
            let rmCSRF = try #require(PageClient.csrf(in: overview.text))
            #expect(try await rm.get("/people").status == .forbidden)
            #expect(try await rm.get("/people/om1").status == .forbidden)
            #expect(try await rm.post("/people", form: Self.form(["login": "x1", "role": "admin"], csrf: rmCSRF)).status == .forbidden)
            #expect(try await rm.post("/people/rm", form: Self.form(["role": "admin"], csrf: rmCSRF)).status == .forbidden)
            #expect(try await rm.post("/people/analyst/tokens", form: Self.form(["days": "30"], csrf: rmCSRF)).status == .forbidden)
            #expect(try await rm.post("/people/om1/disable", form: Self.form([:], csrf: rmCSRF)).status == .forbidden)
            // Without the session's CSRF token an admin's form is refused too.
            #expect(try await admin.post("/people/om1/disable", form: Self.form([:], csrf: "forged")).status == .forbidden)
            #expect(try await PeopleQueries.get(tenant: fixture.app.tenant, login: "om1", database: fixture.app.database).disabled == false)
            #expect(try await PeopleQueries.get(tenant: fixture.app.tenant, login: "rm", database: fixture.app.database).role == .regionManager)
        }
    }

    @Test func addingAUserChecksEveryFieldAndTheFirstLoginForcesANewPassword() async throws {
        let fixture = try await PageFixture.make()
        try await fixture.app.application.test(.router) { client in
            let (admin, csrf) = try await Self.admin(client)
            func add(_ fields: KeyValuePairs<String, String>) async throws -> TestResponse {
                try await admin.post("/people", form: Self.form(fields, csrf: csrf))
            }
            let duplicate = try await add(["login": "om1", "role": "analyst"])
            #expect(duplicate.status == .conflict && duplicate.text.contains("user om1 already exists"))
            let region = try await add(["login": "rm2", "role": "region_manager", "region": "华西"])
            #expect(region.status == .unprocessableContent && region.text.contains("region: unknown region 华西"))
            #expect(region.text.contains(#"value="rm2""#), "the form keeps what was typed")
            let outlet = try await add(["login": "om9", "role": "outlet_manager", "outlet": "O99"])
            #expect(outlet.status == .unprocessableContent && outlet.text.contains("outlet: unknown outlet O99"))
            let noOutlet = try await add(["login": "om9", "role": "outlet_manager"])
            #expect(noOutlet.text.contains("outlet: an outlet manager needs an outlet code"))
            let employee = try await add(["login": "s9", "role": "staff", "employee": "E999"])
            #expect(employee.status == .unprocessableContent && employee.text.contains("employee: unknown employee E999"))
            let role = try await add(["login": "x9", "role": "root"])
            #expect(role.status == .unprocessableContent && role.text.contains("role: unknown role"))
            let login = try await add(["login": "-bad login", "role": "analyst"])
            #expect(login.status == .unprocessableContent && login.text.contains("login: a login is 1 to 128"))
            let short = try await add(["login": "om9", "role": "analyst", "password": "short"])
            #expect(short.text.contains("password: a password needs at least 8 characters"))
            #expect(try await PeopleQueries.list(tenant: fixture.app.tenant, database: fixture.app.database).count == 8)

            let added = try await add(["login": "om9", "name": "新店长", "role": "outlet_manager", "outlet": "O2", "region": "华东"])
            #expect(added.status == .created)
            let temporary = try #require(Self.secret(in: added.text))
            #expect(temporary.count == 16)
            #expect(!(try await admin.get("/people/om9").text.contains(temporary)), "shown once")
            let stored = try await PeopleQueries.get(tenant: fixture.app.tenant, login: "om9", database: fixture.app.database)
            #expect(stored.role == .outletManager && stored.outletCode == "O2" && stored.regionPath == nil && stored.displayName == "新店长")
            #expect(stored.mustChangePassword && stored.hasPassword)

            // The first login leads only to the change-password page.
            let om9 = try #require(try await PageClient.login(client, "om9", password: temporary))
            let outletPage = try await om9.get("/outlets/O2?period=2026-09")
            #expect(outletPage.status == .seeOther && outletPage.headers[.location] == "/password")
            let form = try await om9.get("/password")
            #expect(form.status == .ok && form.text.contains(#"id="must-change""#))
            let om9CSRF = try #require(PageClient.csrf(in: form.text))
            #expect(try await om9.post("/batch", form: Self.form(["period": "2026-09"], csrf: om9CSRF)).status == .forbidden)
            let mismatch = try await om9.post(
                "/password", form: Self.form(["current": temporary, "new": "om9-own-password", "again": "om9-other"], csrf: om9CSRF))
            #expect(mismatch.status == .unprocessableContent && mismatch.text.contains("The new password and its repetition differ."))
            let wrong = try await om9.post(
                "/password", form: Self.form(["current": "nope", "new": "om9-own-password", "again": "om9-own-password"], csrf: om9CSRF))
            #expect(wrong.status == .unprocessableContent && wrong.text.contains("The current password is not right."))
            let changed = try await om9.post(
                "/password", form: Self.form(["current": temporary, "new": "om9-own-password", "again": "om9-own-password"], csrf: om9CSRF))
            #expect(changed.status == .seeOther && changed.headers[.location] == "/password?done=1")
            #expect(try await om9.get("/outlets/O2?period=2026-09").status == .ok, "the session goes on")
            #expect(try await PageClient.login(client, "om9", password: temporary) == nil)
            #expect(try await PageClient.login(client, "om9", password: "om9-own-password") != nil)
            #expect(try await PeopleQueries.get(tenant: fixture.app.tenant, login: "om9", database: fixture.app.database).mustChangePassword == false)
        }
    }

    @Test func resetPasswordEndsSessionsAndForcesAChange() async throws {
        let fixture = try await PageFixture.make()
        try await fixture.app.application.test(.router) { client in
            let (admin, csrf) = try await Self.admin(client)
            let before = try #require(try await PageClient.login(client, "e8"))
            #expect(try await before.get("/staff/E8").status == .ok)
            let short = try await admin.post("/people/e8/password", form: Self.form(["password": "short"], csrf: csrf))
            #expect(short.status == .unprocessableContent && short.text.contains("password: a password needs at least 8 characters"))
            let reset = try await admin.post("/people/e8/password", form: Self.form(["password": "temporary-e8"], csrf: csrf))
            #expect(reset.status == .ok && Self.secret(in: reset.text) == nil, "a typed password is not shown back")
            #expect(try await before.get("/staff/E8").status == .seeOther, "the old session ended")
            #expect(try await PageClient.login(client, "e8") == nil, "the old password no longer works")
            let e8 = try #require(try await PageClient.login(client, "e8", password: "temporary-e8"))
            #expect(try await e8.get("/staff/E8").headers[.location] == "/password")
            let generated = try await admin.post("/people/e8/password", form: Self.form([:], csrf: csrf))
            let temporary = try #require(Self.secret(in: generated.text))
            #expect(temporary.count == 16 && temporary != "temporary-e8")
            #expect(try await PageClient.login(client, "e8", password: temporary) != nil)
        }
    }

    @Test func disabledUsersCanNeitherLogInNorUseTokensAndTheLastAdminStays() async throws {
        let fixture = try await PageFixture.make()
        try await fixture.app.application.test(.router) { client in
            let (admin, csrf) = try await Self.admin(client)
            let token = try #require(fixture.app.tokens["om1"])
            let om1 = try #require(try await PageClient.login(client, "om1"))
            #expect(try await Self.api(client, token: token) == .ok)
            let disabled = try await admin.post("/people/om1/disable", form: Self.form([:], csrf: csrf))
            #expect(disabled.status == .seeOther && disabled.headers[.location] == "/people/om1?done=disabled")
            #expect(try await admin.get("/people/om1").text.contains(#"<span class="error" id="person-state">disabled</span>"#))
            #expect(try await Self.api(client, token: token) == .unauthorized, "at once, despite the token cache")
            #expect(try await om1.get("/outlets/O1").status == .seeOther)
            #expect(try await PageClient.login(client, "om1") == nil)
            #expect(try await admin.post("/people/om1/enable", form: Self.form([:], csrf: csrf)).status == .seeOther)
            #expect(try await Self.api(client, token: token) == .ok)
            #expect(try await PageClient.login(client, "om1") != nil)

            // Scope changes apply to the API at once too.
            let rescoped = try await admin.post(
                "/people/om1", form: Self.form(["name": "O2 manager", "role": "outlet_manager", "outlet": "O2"], csrf: csrf))
            #expect(rescoped.status == .seeOther)
            let outlets = try await client.executeRequest(uri: "/api/v1/outlets", method: .get, headers: TestApp.headers(token), body: nil)
            #expect((outlets.json["items"] as? [[String: Any]])?.compactMap { $0["code"] as? String } == ["O2"])
            #expect(try await admin.post("/people/om1", form: Self.form(["role": "outlet_manager", "outlet": "O2"], csrf: csrf)).status == .seeOther)
            #expect(
                try await PeopleQueries.get(tenant: fixture.app.tenant, login: "om1", database: fixture.app.database).displayName == "O2 manager",
                "a form without the name keeps it")
            let unknown = try await admin.post("/people/om1", form: Self.form(["role": "staff", "employee": "E404"], csrf: csrf))
            #expect(unknown.status == .unprocessableContent && unknown.text.contains("employee: unknown employee E404"))

            // The only admin can neither disable nor demote themself.
            let selfDisable = try await admin.post("/people/admin/disable", form: Self.form([:], csrf: csrf))
            #expect(selfDisable.status == .unprocessableContent && selfDisable.text.contains("you are the last active admin"))
            let demote = try await admin.post("/people/admin", form: Self.form(["role": "analyst"], csrf: csrf))
            #expect(demote.status == .unprocessableContent && demote.text.contains("role: you are the last active admin"))
            #expect(try await PeopleQueries.get(tenant: fixture.app.tenant, login: "admin", database: fixture.app.database).role == .admin)
            // With a second admin, the first may step down.
            #expect(try await admin.post("/people/analyst", form: Self.form(["role": "admin"], csrf: csrf)).status == .seeOther)
            #expect(try await admin.post("/people/admin/disable", form: Self.form([:], csrf: csrf)).status == .seeOther)
        }
    }

    @Test func tokensAreShownOnceWorkOnTheAPIAndRevokeAtOnce() async throws {
        let logs = LogCapture()
        let fixture = try await PageFixture.make(logger: logs.logger())
        let (secret, temporary) = try await fixture.app.application.test(.router) { client in
            let (admin, csrf) = try await Self.admin(client)
            let bad = try await admin.post("/people/analyst/tokens", form: Self.form(["label": "ci", "days": "many"], csrf: csrf))
            #expect(bad.status == .unprocessableContent && bad.text.contains("days: days must be a whole number"))
            let tooLong = try await admin.post("/people/analyst/tokens", form: Self.form(["label": "ci", "days": "9999"], csrf: csrf))
            #expect(tooLong.status == .unprocessableContent && tooLong.text.contains("days: a token lives 1 to 3650 days"))
            let created = try await admin.post("/people/analyst/tokens", form: Self.form(["label": "ci", "days": "30"], csrf: csrf))
            #expect(created.status == .created)
            let secret = try #require(Self.secret(in: created.text))
            #expect(secret.hasPrefix("tst_"))
            let page = try await admin.get("/people/analyst").text
            #expect(!page.contains(secret), "shown once")
            let id = try #require(page.range(of: #"<tr data-token=""#).map { String(page[$0.upperBound...].prefix { $0 != "\"" }) })
            #expect(page.contains("<td>ci</td>"))
            func lastUsed() async throws -> String? {
                let html = try await admin.get("/people/analyst").text
                guard let row = html.range(of: #"<tr data-token="\#(id)">"#),
                    let cell = html[row.upperBound...].range(of: #"<td class="last-used">"#)
                else { return nil }
                return String(html[cell.upperBound...].prefix { $0 != "<" })
            }
            #expect(try await lastUsed() == "—")
            #expect(try await Self.api(client, token: secret) == .ok)
            #expect(try await lastUsed()?.hasPrefix("20") == true, "the use is recorded")
            let revoked = try await admin.post("/people/analyst/tokens/\(id)/revoke", form: Self.form([:], csrf: csrf))
            #expect(revoked.status == .seeOther)
            #expect(try await Self.api(client, token: secret) == .unauthorized)
            #expect(try await admin.post("/people/analyst/tokens/\(id)/revoke", form: Self.form([:], csrf: csrf)).status == .notFound)
            #expect(try await admin.post("/people/om1/tokens/\(id)/revoke", form: Self.form([:], csrf: csrf)).status == .notFound)
            let after = try await admin.get("/people/analyst").text
            #expect(!after.contains("/tokens/\(id)/revoke"), "a revoked token has no revoke button")
            let reset = try await admin.post("/people/om2/password", form: Self.form([:], csrf: csrf))
            return (secret, try #require(Self.secret(in: reset.text)))
        }

        // The change log has every change, by the admin, and no secret.
        let rows = try await TestDatabase.asSuperuser(of: fixture.app.database.pool.configuration) { conn in
            try conn.query(
                """
                SELECT actor, action, entity, entity_key, coalesce(before::text, ''), coalesce(after::text, '') FROM change_log
                WHERE entity IN ('user', 'token') AND actor = 'admin' ORDER BY id
                """
            ).map {
                (
                    try $0.decode(0, as: String.self), try $0.decode(1, as: String.self), try $0.decode(2, as: String.self),
                    try $0.decode(3, as: String.self), try $0.decode(4, as: String.self), try $0.decode(5, as: String.self)
                )
            }
        }
        #expect(rows.map { "\($0.1) \($0.2)" } == ["insert token", "update token", "update user"])
        #expect(rows[1].5.contains("\"revoked_at\"") && rows[2].3 == "om2" && rows[2].5.contains("\"must_change_password\": true"))
        #expect(rows.allSatisfy { !$0.4.contains("hash") && !$0.5.contains("hash") })
        let secrets = [secret, temporary]
        #expect(try await SecretsTests.columnsContaining(secrets, database: fixture.app.database) == [])
        for value in secrets {
            for record in logs.records {
                #expect(!record.message.contains(value) && !"\(record.metadata)".contains(value), "log: \(record.message)")
            }
        }
        #expect(logs.records.contains { $0.message == "token created" })
    }
}
