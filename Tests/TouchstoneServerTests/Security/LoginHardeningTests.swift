import Foundation
import Hummingbird
import HummingbirdTesting
import PQ
import Testing
import TouchstoneStore

@testable import TouchstoneServer

/// Logins: the form is CSRF-protected, failures are limited per client address (not only per
/// account), a password change ends the user's sessions, and unknown API tokens are remembered
/// briefly instead of asking the database each time.
@Suite struct LoginHardeningTests {
    @Test func loginFormNeedsItsCSRFToken() async throws {
        let fixture = try await PageFixture.make()
        try await fixture.app.application.test(.router) { client in
            let body = "tenant=acme&login=om1&password=\(PageFixture.password("om1"))&next=%2Foverview"
            let forged = try await client.executeRequest(
                uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: body))
            #expect(forged.status == .forbidden)
            #expect(forged.headers[.setCookie]?.contains("ts_session=") != true)
            let form = try await client.executeRequest(uri: "/login", method: .get, headers: [:], body: nil)
            let token = try #require(PageClient.csrf(in: form.text))
            let cookie = try #require(form.headers[.setCookie]).split(separator: ";")[0]
            let wrong = try await client.executeRequest(
                uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded", .cookie: String(cookie)],
                body: ByteBuffer(string: body + "&csrf=\(String(token.reversed()))"))
            #expect(wrong.status == .forbidden)
            #expect(try await PageClient.attempt(client, "om1").status == .seeOther)
        }
    }

    /// Failures spread over many accounts from one address hit the per-address limit: 429 with
    /// Retry-After, even for a right password, while the account itself is not locked.
    @Test func failedLoginsAreLimitedPerClientAddress() async throws {
        let fixture = try await PageFixture.make()
        try await fixture.app.application.test(.live) { client in
            var statuses: [HTTPResponse.Status] = []
            for index in 0..<30 {  // LoginLimits.default: 30 failures per address in 15 minutes
                statuses.append(try await PageClient.attempt(client, "nobody\(index)", password: "guess").status)
            }
            #expect(statuses.allSatisfy { $0 == .unauthorized })
            let limited = try await PageClient.attempt(client, "om1")
            #expect(limited.status == .tooManyRequests)
            let wait = try #require(limited.headers[.retryAfter].flatMap { Int($0) })
            #expect((1...900).contains(wait))
        }
    }

    @Test func aPasswordChangeEndsTheUsersSessions() async throws {
        let fixture = try await PageFixture.make()
        try await fixture.app.application.test(.router) { client in
            let om1 = try #require(try await PageClient.login(client, "om1"))
            let admin = try #require(try await PageClient.login(client, "admin"))
            #expect(try await om1.get("/outlets/O1?period=2026-09").status == .ok)
            try await SessionQueries.setPasswordHash(
                tenant: fixture.app.tenant, login: "om1", hash: PageFixture.passwordHash("om1", password: "om1-password-2"),
                database: fixture.app.database)
            #expect(try await om1.get("/outlets/O1?period=2026-09").status == .seeOther)
            #expect(try await admin.get("/overview?period=2026-09").status == .ok)
            #expect(try await PageClient.login(client, "om1", password: "om1-password-2") != nil)
        }
    }

    /// A refused token is remembered: asking again does not reach the database (closed here).
    @Test func unknownTokensAreCachedBriefly() async throws {
        let app = try await TestApp.make()
        let cache = PrincipalCache(database: app.database)
        #expect(try await cache.resolve("not-a-token") == nil)
        await app.database.pool.close()
        #expect(try await cache.resolve("not-a-token") == nil)
    }
}
