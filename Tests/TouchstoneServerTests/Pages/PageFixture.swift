import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOFoundationCompat
import TouchstoneCore
import TouchstoneServer
import TouchstoneStore
import TouchstoneTestSupport

/// The test app with the sample KPIs, the sample audit (released) and the 2026-09 batch run,
/// and page passwords for admin, rm (华东/上海), om1 (O1), om2 (O2) and e8 (staff).
struct PageFixture {
    let app: TestApp
    static let period = "2026-09"

    /// The password of each login with one (`<login>-password-1`).
    static func password(_ login: String) -> String { "\(login)-password-1" }
    static let logins = ["admin", "rm", "om1", "om2", "e8"]

    /// The stored hash of `login`'s password: bcrypt at its minimum cost, so the many logins of
    /// the suite stay cheap on a loaded machine (the login path is the production one: bcrypt
    /// reads the cost from the stored hash).
    static func passwordHash(_ login: String, password: String? = nil) -> String {
        Passwords.hash(password ?? Self.password(login), cost: 4)
    }

    static func make(
        configuration: ServerConfiguration = ServerConfiguration(uploadRateLimit: nil), logger: Logger? = nil
    ) async throws -> PageFixture {
        let app = try await TestApp.make(configuration: configuration, logger: logger)
        _ = try await KPIDefinitionQueries.define(
            tenant: app.tenant, json: try Data(contentsOf: TestApp.sample("kpis.json")), database: app.database)
        _ = try await AuditQueries.submit(tenant: app.tenant, document: try TestApp.sampleAudit(), submittedBy: "auditor", database: app.database)
        _ = try await BatchRunner.withPayouts.run(
            tenant: app.tenant, period: try Period.parse(period), asOf: try Instant.parse("2026-10-05T00:00:00+08:00", path: "asOf"),
            startedBy: "test", database: app.database)
        for login in logins {
            try await SessionQueries.setPasswordHash(tenant: app.tenant, login: login, hash: passwordHash(login), database: app.database)
        }
        return PageFixture(app: app)
    }
}

/// A browser-like page client: logs in with a password and sends the session cookie.
/// This is the page harness (over `application.test(.router)`), kept apart from the API's
/// ``APIClient`` on purpose: pages authenticate with cookies and CSRF fields, not bearer tokens.
struct PageClient: Sendable {
    let client: any TestClientProtocol
    let cookie: String

    /// Logs `login` in (tenant `acme`) and returns a client carrying its session cookie.
    static func login(_ client: any TestClientProtocol, _ login: String, password: String? = nil) async throws -> PageClient? {
        let response = try await attempt(client, login, password: password)
        guard response.status == .seeOther, let setCookie = response.headers[.setCookie] else { return nil }
        return PageClient(client: client, cookie: String(setCookie.split(separator: ";")[0]))
    }

    /// Fills and posts the login form as a browser does: loads `/login` (its CSRF cookie and
    /// hidden field, when it has them), then posts the form with `next` (form-encoded as given).
    static func attempt(
        _ client: any TestClientProtocol, _ login: String, password: String? = nil, tenant: String = "acme",
        next: String = "%2Foverview", headers extra: HTTPFields = [:]
    ) async throws -> TestResponse {
        let form = try await client.executeRequest(uri: "/login", method: .get, headers: extra, body: nil)
        var headers = extra
        headers[.contentType] = "application/x-www-form-urlencoded"
        var body = "tenant=\(tenant)&login=\(login)&password=\(password ?? PageFixture.password(login))&next=\(next)"
        if let token = csrf(in: form.text) { body += "&csrf=\(token)" }
        let cookies = form.headers[values: .setCookie].map { String($0.split(separator: ";")[0]) }
        if !cookies.isEmpty { headers[.cookie] = cookies.joined(separator: "; ") }
        return try await client.executeRequest(uri: "/login", method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    func get(_ uri: String) async throws -> TestResponse {
        try await client.executeRequest(uri: uri, method: .get, headers: [.cookie: cookie], body: nil)
    }

    func post(_ uri: String, form: String) async throws -> TestResponse {
        try await client.executeRequest(
            uri: uri, method: .post, headers: [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: form))
    }

    /// The CSRF token in a page's forms.
    static func csrf(in html: String) -> String? {
        guard let range = html.range(of: #"name="csrf" value=""#) else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }
}
