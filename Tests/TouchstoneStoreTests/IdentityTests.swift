import PQ
import Testing
import TouchstoneCore
import TouchstoneStore
import TouchstoneTestSupport

@Suite struct IdentityTests {
    @Test func tokensAreStoredOnlyAsHashesAndRevocationIsImmediate() async throws {
        let (database, tenant) = try await TestDatabase.make()
        try await IdentityQueries.addUser(tenant: tenant, login: "ho", displayName: "Head office", role: .admin, database: database)
        let (id, token) = try await IdentityQueries.createToken(tenant: tenant, login: "ho", label: "ci", days: 30, database: database)
        #expect(token.hasPrefix("tst_") && token.count > 40)
        let stored = try await database.tenantTransaction(tenant) { conn in
            try conn.query("SELECT row_to_json(t)::text FROM api_tokens t").map { try $0.decode(0, as: String.self) }
        }
        #expect(stored.count == 1)
        #expect(!stored[0].contains(token))
        #expect(!stored[0].contains(String(token.dropFirst(4))))

        let found = try await IdentityQueries.principal(forToken: token, database: database)
        #expect(found?.0.login == "ho")
        #expect(found?.0.role == .admin)
        #expect(found?.1.code == "acme")
        #expect(try await IdentityQueries.principal(forToken: token + "x", database: database) == nil)

        try await IdentityQueries.revokeToken(tenant: tenant, id: id, database: database)
        #expect(try await IdentityQueries.principal(forToken: token, database: database) == nil)
        await #expect(throws: StoreError.notFound("live token \(id)")) {
            try await IdentityQueries.revokeToken(tenant: tenant, id: id, database: database)
        }
    }

    @Test func scopedRolesNeedTheirScope() async throws {
        let (database, tenant) = try await TestDatabase.make()
        await #expect(throws: StoreError.invalid([Problem(path: "outlet", message: "an outlet manager needs an outlet code")])) {
            try await IdentityQueries.addUser(tenant: tenant, login: "om", displayName: nil, role: .outletManager, database: database)
        }
        await #expect(throws: StoreError.invalid([Problem(path: "outlet", message: "unknown outlet O1")])) {
            try await IdentityQueries.addUser(
                tenant: tenant, login: "om", displayName: nil, role: .outletManager, outletCode: "O1", database: database)
        }
    }
}
