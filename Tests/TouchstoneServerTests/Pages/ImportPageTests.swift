import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TouchstoneCore
import TouchstoneServer
import TouchstoneStore

/// The import page through the real application: upload, dry run, errors by line and column,
/// apply (once), GBK files, and who may import.
@Suite("Pages: imports") struct ImportPageTests {
    static let header = "employee_no,name,role,outlet_code,start_date,end_date,target_bonus\n"
    /// Against the samples: E10 is new, E7's second assignment changes, three rows are unchanged.
    static let goodStaff =
        header + """
            E7,王芳,service_advisor,O1,2025-01-01,2026-09-20,2000.00
            E7,王芳,service_advisor,O2,2026-09-21,,2500.00
            E8,李强,service_advisor,O1,2024-05-01,,1800.00
            E9,张敏,outlet_manager,O3,2023-02-01,,5000.00
            E10,赵磊,technician,O2,2026-01-01,,1200.00

            """
    static let badStaff =
        header + """
            E10,赵磊,technician,O2,2026-01-01,,1200.00
            E11,钱多,technician,O404,2026-01-01,,1200.00
            E12,孙立,technician,O1,2026-13-01,,abc
            E13,,technician,O1,2026-01-01,,

            """

    /// The staff list as the API reports it (employee number and name).
    static func staff(_ app: TestApp) async throws -> [String] {
        try await StaffQueries.list(tenant: app.tenant, after: nil, limit: 100, database: app.database).items.map { "\($0.employeeNo) \($0.name)" }
    }

    @Test func badRowsAreShownByLineAndColumnAndNothingChanges() async throws {
        let fixture = try await PageFixture.make()
        let before = try await Self.staff(fixture.app)
        try await fixture.app.application.test(.router) { client in
            let admin = try #require(try await PageClient.login(client, "admin"))
            let form = try await admin.get("/imports")
            #expect(form.status == .ok)
            #expect(form.text.contains(#"enctype="multipart/form-data""#))
            #expect(form.text.contains(#"<a href="/imports">Imports</a>"#))
            let csrf = try #require(PageClient.csrf(in: form.text))
            let posted = try await admin.upload(csrf: csrf, kind: "staff", fileName: "staff-bad.csv", content: Data(Self.badStaff.utf8))
            #expect(posted.status == .seeOther)
            let location = try #require(posted.headers[.location])
            #expect(location.hasPrefix("/imports/"))
            let page = try await admin.settled(location)
            #expect(page.status == .ok)
            let errors = Self.errorRows(page.text)
            #expect(
                errors == [
                    ["3", "outlet_code", "unknown outlet O404"],
                    ["4", "start_date", "\"2026-13-01\" is not a date (YYYY-MM-DD)"],
                    ["4", "target_bonus", "\"abc\" is not a decimal number"],
                    ["5", "name", "a value is required"],
                ])
            #expect(page.text.contains(#"<span id="error-count">4</span>"#))
            #expect(!page.text.contains(#"id="apply""#))
            // Applying a file with errors imports nothing.
            #expect(try await admin.post("\(location)/apply", form: "csrf=\(csrf)").status == .seeOther)
            #expect(Self.errorRows(try await admin.settled(location).text).count == 4)
        }
        #expect(try await Self.staff(fixture.app) == before)
    }

    @Test func goodFileDryRunThenApplyOnce() async throws {
        let fixture = try await PageFixture.make()
        let before = try await Self.staff(fixture.app)
        try await fixture.app.application.test(.router) { client in
            let admin = try #require(try await PageClient.login(client, "admin"))
            let csrf = try #require(PageClient.csrf(in: try await admin.get("/imports").text))
            let posted = try await admin.upload(csrf: csrf, kind: "staff", fileName: "staff.csv", content: Data(Self.goodStaff.utf8))
            let location = try #require(posted.headers[.location])
            let dryRun = try await admin.settled(location).text
            #expect(Self.counts(dryRun, table: "dry-run") == ["rows": "5", "new": "1", "changed": "1", "unchanged": "3"])
            #expect(dryRun.contains(#"id="apply""#))
            #expect(try await Self.staff(fixture.app) == before)

            #expect(try await admin.post("\(location)/apply", form: "csrf=forged").status == .forbidden)
            #expect(try await Self.staff(fixture.app) == before)
            #expect(try await admin.post("\(location)/apply", form: "csrf=\(csrf)").status == .seeOther)
            let applied = try await admin.settled(location).text
            #expect(Self.counts(applied, table: "applied") == ["rows": "5", "new": "1", "changed": "1", "unchanged": "3"])
            #expect(!applied.contains(#"id="apply""#))
            let after = try await Self.staff(fixture.app)
            #expect(after == (before + ["E10 赵磊"]).sorted())
            let e7 = try await StaffQueries.get(tenant: fixture.app.tenant, employeeNo: "E7", database: fixture.app.database)
            #expect(e7.assignments[1].targetBonus == Decimal(2500))

            // Applying again changes nothing and says who applied it.
            let changes = try await ChangeQueries.list(tenant: fixture.app.tenant, limit: 1000, database: fixture.app.database).items.count
            #expect(try await admin.post("\(location)/apply", form: "csrf=\(csrf)").status == .seeOther)
            _ = try await admin.settled(location)
            #expect(try await ChangeQueries.list(tenant: fixture.app.tenant, limit: 1000, database: fixture.app.database).items.count == changes)
            #expect(try await Self.staff(fixture.app) == after)
            // The list shows the upload.
            #expect(try await admin.get("/imports").text.contains(#"<a href="\#(location)">"#))
        }
    }

    @Test func gbkFilesAreConvertedAndSaySo() async throws {
        let fixture = try await PageFixture.make()
        try await fixture.app.application.test(.router) { client in
            let admin = try #require(try await PageClient.login(client, "admin"))
            let csrf = try #require(PageClient.csrf(in: try await admin.get("/imports").text))
            // 张伟 in GBK is D5 C5 CE B0.
            let gbk = Data((Self.header + "E20,").utf8) + Data([0xD5, 0xC5, 0xCE, 0xB0]) + Data(",technician,O1,2026-01-01,,\n".utf8)
            let location = try #require(try await admin.upload(csrf: csrf, kind: "staff", fileName: "gbk.csv", content: gbk).headers[.location])
            let page = try await admin.settled(location).text
            #expect(page.contains(#"id="converted""#))
            #expect(Self.counts(page, table: "dry-run")["new"] == "1")
            _ = try await admin.post("\(location)/apply", form: "csrf=\(csrf)")
            _ = try await admin.settled(location)
            #expect(try await Self.staff(fixture.app).contains("E20 张伟"))

            let binary = Data((Self.header + "E21,").utf8) + Data([0xFF]) + Data(",technician,O1,2026-01-01,,\n".utf8)
            let refused = try #require(try await admin.upload(csrf: csrf, kind: "staff", fileName: "bad.csv", content: binary).headers[.location])
            let refusal = try await admin.settled(refused).text
            #expect(Self.errorRows(refusal) == [["2", "", ImportText.Undecodable.advice]])
        }
    }

    @Test func onlyThoseWhoMayImportSeeThePage() async throws {
        let fixture = try await PageFixture.make()
        try await fixture.app.application.test(.router) { client in
            for login in ["rm", "om1", "e8"] {
                let user = try #require(try await PageClient.login(client, login))
                #expect(try await user.get("/imports").status == .forbidden, "\(login)")
                let home = try await user.get("/staff/E8?period=2026-09")
                #expect(!home.text.contains(#"href="/imports""#), "\(login)")
            }
            let admin = try #require(try await PageClient.login(client, "admin"))
            let csrf = try #require(PageClient.csrf(in: try await admin.get("/imports").text))
            #expect(try await admin.upload(csrf: "forged", kind: "staff", fileName: "s.csv", content: Data(Self.goodStaff.utf8)).status == .forbidden)
            #expect(try await admin.upload(csrf: csrf, kind: "payroll", fileName: "s.csv", content: Data(Self.goodStaff.utf8)).status == .badRequest)
            #expect(try await admin.get("/imports/999999").status == .notFound)
            let plain = try await admin.post("/imports", form: "csrf=\(csrf)&kind=staff")
            #expect(plain.status == .badRequest)
            #expect(plain.text.contains("not multipart/form-data"))
        }
    }

    /// The cells of the errors table, row by row.
    static func errorRows(_ html: String) -> [[String]] {
        html.matches(of: /<td class="num line">([^<]*)<\/td><td class="column">([^<]*)<\/td><td class="message">([^<]*)<\/td>/)
            .map { [unescaped($0.1), unescaped($0.2), unescaped($0.3)] }
    }

    /// Text of HTML escaped as the templates escape it.
    static func unescaped(_ text: Substring) -> String {
        var text = String(text)
        for (entity, character) in [("&quot;", "\""), ("&#39;", "'"), ("&#x27;", "'"), ("&#x2F;", "/"), ("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&")]
        {
            text = text.replacingOccurrences(of: entity, with: character)
        }
        return text
    }

    /// The counts of the `dry-run` or `applied` table.
    static func counts(_ html: String, table: String) -> [String: String] {
        guard let start = html.range(of: #"<table id="\#(table)">"#) else { return [:] }
        let rest = html[start.upperBound...]
        let end = rest.range(of: "</table>").map { rest[..<$0.lowerBound] } ?? rest
        var counts: [String: String] = [:]
        for match in end.matches(of: /<tr data-count="(\w+)"><th>[^<]*<\/th><td class="num">([^<]*)<\/td><\/tr>/) where match.1 != "seconds" {
            counts[String(match.1)] = String(match.2)
        }
        return counts
    }
}

extension PageClient {
    /// The upload's page once no dry run or import of it is going on (the page refreshes itself until then).
    func settled(_ uri: String) async throws -> TestResponse {
        for _ in 0..<600 {
            let page = try await get(uri)
            if !page.text.contains(#"id="running""#) { return page }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("\(uri) was still running after 60 s")
        return try await get(uri)
    }

    /// Posts the import form as a browser does (multipart/form-data with the file).
    func upload(csrf: String, kind: String, fileName: String, content: Data) async throws -> TestResponse {
        let boundary = "----TouchstoneTest\(UUID().uuidString)"
        var body = Data()
        for (name, value) in [("csrf", csrf), ("kind", kind)] {
            body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        body += Data(
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(fileName)\"\r\nContent-Type: text/csv\r\n\r\n".utf8)
        body += content
        body += Data("\r\n--\(boundary)--\r\n".utf8)
        return try await client.executeRequest(
            uri: "/imports", method: .post,
            headers: [.cookie: cookie, .contentType: "multipart/form-data; boundary=\(boundary)"], body: ByteBuffer(bytes: body))
    }
}
