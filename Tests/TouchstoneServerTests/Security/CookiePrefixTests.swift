import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TouchstoneServer
import TouchstoneTestSupport

/// With secure cookies (HTTPS in front) the pages' cookies carry the `__Host-` prefix, so they
/// are Secure, for Path=/ and bound to this host (no Domain); without, plain names.
@Suite struct CookiePrefixTests {
    @Test func secureCookiesUseTheHostPrefix() async throws {
        let fixture = try await PageFixture.make(configuration: ServerConfiguration(uploadRateLimit: nil, secureCookies: true))
        try await fixture.app.application.test(.router) { client in
            let login = try await PageClient.attempt(client, "om1")
            #expect(login.status == .seeOther)
            let session = try #require(login.headers[values: .setCookie].first { $0.contains("ts_session=") })
            #expect(session.hasPrefix("__Host-ts_session="))
            #expect(session.contains("; Secure") && session.contains("Path=/") && !session.lowercased().contains("domain="))
            let page = try await client.executeRequest(
                uri: "/outlets/O1?period=2026-09", method: .get, headers: [.cookie: String(session.split(separator: ";")[0])], body: nil)
            #expect(page.status == .ok)
            let language = try await client.executeRequest(uri: "/language/zh-CN", method: .get, headers: [:], body: nil)
            let cookie = try #require(language.headers[.setCookie])
            #expect(cookie.hasPrefix("__Host-ts_lang=zh-CN") && cookie.contains("; Secure") && cookie.contains("Path=/"))
        }
    }

    @Test func plainCookiesWithoutSecureCookies() async throws {
        let fixture = try await PageFixture.make()
        try await fixture.app.application.test(.router) { client in
            let login = try await PageClient.attempt(client, "om1")
            let session = try #require(login.headers[values: .setCookie].first { $0.contains("ts_session=") })
            #expect(session.hasPrefix("ts_session=") && !session.contains("Secure"))
            let language = try await client.executeRequest(uri: "/language/zh-CN", method: .get, headers: [:], body: nil)
            #expect(language.headers[.setCookie]?.hasPrefix("ts_lang=zh-CN") == true)
        }
    }

    @Test func theSystemdUnitTurnsSecureCookiesOn() throws {
        let unit = try String(contentsOf: TestDatabase.packageRoot.appendingPathComponent("deploy/touchstone.service"), encoding: .utf8)
        let start = try #require(unit.split(separator: "\n").first { $0.hasPrefix("ExecStart=") })
        #expect(start.contains("--secure-cookies"))
    }
}
