import Foundation
import Hummingbird
import HummingbirdTesting
import PQ
import Testing
import TouchstoneCore
import TouchstoneStore
import TouchstoneTestSupport

/// Tokens (and, once they exist, passwords) never appear in clear text: not in logs, not in
/// responses, not in any column of the database.
@Suite("Security: secrets never in clear text")
struct SecretsTests {
    @Test func rawTokensAppearInNoLogResponseOrColumn() async throws {
        let logs = LogCapture()
        let app = try await TestApp.make(logger: logs.logger())
        let database = Database(pool: app.database.pool, logger: logs.logger())
        try await IdentityQueries.addUser(tenant: app.tenant, login: "ops", displayName: "Ops", role: .admin, database: database)
        let live = try await IdentityQueries.createToken(tenant: app.tenant, login: "ops", label: "ci", days: 30, database: database)
        let revoked = try await IdentityQueries.createToken(tenant: app.tenant, login: "ops", label: "old", days: 30, database: database)
        try await IdentityQueries.revokeToken(tenant: app.tenant, id: revoked.id, database: database)
        // Every secret the test knows; passwords are added here as they come.
        let secrets = Array(app.tokens.values) + [live.token, revoked.token]

        let responses = try await app.run { api in
            var seen: [TestResponse] = []
            for token in [live.token, revoked.token] {
                for header in ["Bearer \(token)", "Bearer \(token)x", "Bearer x\(token)", "Basic \(token)", "bearer \(token)", "Bearer  \(token) "] {
                    for uri in ["/api/v1/outlets", "/api/v1/changes", "/api/v1/nowhere", "/api/v1/audits/\(TestApp.sampleID)"] {
                        seen.append(try await api.send(.get, uri, as: nil, headers: [.authorization: header]))
                    }
                }
                seen.append(
                    try await api.send(
                        .post, "/api/v1/audits", as: nil, body: Data("{\"id\": ".utf8), headers: [.authorization: "Bearer \(token)"]))
            }
            for login in app.tokens.keys {
                seen.append(try await api.send(.get, "/api/v1/outlets", as: login))
                seen.append(try await api.send(.post, "/api/v1/audits", as: login, body: Data("not json".utf8)))
            }
            return seen
        }
        #expect(responses.contains { $0.status == .ok })
        #expect(responses.contains { $0.status == .unauthorized })
        #expect(!logs.records.isEmpty)

        for secret in secrets {
            for record in logs.records {
                #expect(!record.message.contains(secret) && !"\(record.metadata)".contains(secret), "log: \(record.message)")
            }
            for response in responses where response.status != .ok {
                #expect(!response.text.contains(secret), "problem body")
                #expect(!"\(response.headers)".contains(secret), "response headers")
            }
        }
        let found = try await Self.columnsContaining(secrets, database: app.database)
        #expect(found == [], "secrets stored in clear text")
        // The scan sees the rows it should: the token hash is found where it belongs.
        let hash = try await app.database.pool.withConnection { conn in
            try conn.queryFirst("SELECT encode(sha256(convert_to(\(live.token), 'UTF8')), 'hex')")!.decode(0, as: String.self)
        }
        #expect(try await Self.columnsContaining([hash], database: app.database) == ["api_tokens.token_hash"])
    }

    /// `table.column` of every text-like column of every table holding any of `values`, read as the
    /// cluster's superuser (every tenant's rows).
    static func columnsContaining(_ values: [String], database: Database) async throws -> [String] {
        try await TestDatabase.asSuperuser(of: database.pool.configuration) { conn in
            #expect(
                try conn.queryFirst("SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user")!.decode(0, as: Bool.self),
                "the scan must see every tenant's rows")
            let columns = try conn.query(
                """
                SELECT table_name, column_name FROM information_schema.columns
                WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'jsonb', 'json', 'bytea', 'ARRAY')
                ORDER BY table_name, column_name
                """
            ).map { (try $0.decode(0, as: String.self), try $0.decode(1, as: String.self)) }
            // bytea columns read as hex: look for the hex of each value too.
            let needles = values + values.map { Data($0.utf8).map { String(format: "%02x", $0) }.joined() }
            var found: [String] = []
            for (table, column) in columns {
                let hit = try conn.queryFirst(
                    Query(
                        unsafeSQL:
                            "SELECT EXISTS (SELECT 1 FROM \"\(table)\" t, unnest($1::text[]) AS x WHERE position(x IN t.\"\(column)\"::text) > 0)",
                        binds: [needles]))!.decode(0, as: Bool.self)
                if hit { found.append("\(table).\(column)") }
            }
            return found
        }
    }
}
