import Foundation
import Hummingbird
import HummingbirdTesting
import PQ
import Testing
import TouchstoneCore
import TouchstoneServer
import TouchstoneStore
import TouchstoneTestSupport

/// Passwords and session ids never appear in clear text: not in logs, not in any column.
@Suite("Pages: passwords and sessions never in clear text")
struct PageSecretsTests {
    @Test func passwordsAndSessionIDsAppearInNoLogOrColumn() async throws {
        let logs = LogCapture()
        let fixture = try await PageFixture.make(logger: logs.logger())
        let sessions = try await fixture.app.application.test(.router) { client in
            var sessions: [String] = []
            for login in PageFixture.logins {
                let page = try #require(try await PageClient.login(client, login))
                _ = try await page.get("/overview?period=2026-09")
                sessions.append(String(page.cookie.dropFirst("ts_session=".count)))
            }
            _ = try await PageClient.login(client, "admin", password: "a-wrong-password")
            return sessions
        }
        #expect(sessions.count == PageFixture.logins.count && sessions.allSatisfy { $0.count > 40 })
        #expect(logs.records.contains { $0.message == "page login" })
        let secrets = sessions + PageFixture.logins.map(PageFixture.password) + ["a-wrong-password"]
        for secret in secrets {
            for record in logs.records {
                #expect(!record.message.contains(secret) && !"\(record.metadata)".contains(secret), "log: \(record.message)")
            }
        }
        #expect(try await SecretsTests.columnsContaining(secrets, database: fixture.app.database) == [])
        let stored = try await TestDatabase.asSuperuser(of: fixture.app.database.pool.configuration) { conn in
            try conn.query("SELECT password_hash FROM users WHERE login = 'admin'").map { try $0.decode(0, as: String.self) }
        }
        #expect(stored.count == 1 && stored[0].hasPrefix("$2b$"))
    }
}
