import Hummingbird
import HummingbirdTesting
import Testing
import TouchstoneServer

/// `next` after login and on `/language/…` only ever leads to a path on this site: tabs,
/// backslashes and encoded slashes that browsers turn into another origin fall back to `/`.
@Suite struct OpenRedirectTests {
    /// `next` values as the query string carries them (percent-encoded once more in the form body).
    static let hostile = [
        "/%09/evil.example", "//evil.example", "/%2F/evil.example", "/%5C/evil.example", "/%5Cevil.example",
        "%2F%2Fevil.example", "/%0D%0A/evil.example", "https://evil.example", "/%252F/evil.example", "/%255C/evil.example",
        "%5C%5Cevil.example", "/%09%09/evil.example",
    ]

    @Test func languageSwitchRedirectsOnlyToLocalPaths() async throws {
        let fixture = try await PageFixture.make()
        try await fixture.app.application.test(.router) { client in
            for next in Self.hostile {
                let response = try await client.executeRequest(uri: "/language/en?next=\(next)", method: .get, headers: [:], body: nil)
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/", "next=\(next)")
            }
            let local = try await client.executeRequest(uri: "/language/en?next=%2Fleague%3Fperiod%3D2026-09", method: .get, headers: [:], body: nil)
            #expect(local.headers[.location] == "/league?period=2026-09")
        }
    }

    @Test func loginRedirectsOnlyToLocalPaths() async throws {
        let fixture = try await PageFixture.make()
        try await fixture.app.application.test(.router) { client in
            for next in Self.hostile {
                let response = try await PageClient.attempt(client, "om1", next: next)
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/", "next=\(next)")
            }
            #expect(try await PageClient.attempt(client, "om1", next: "%2Fstaff%2FE8").headers[.location] == "/staff/E8")
        }
    }
}
