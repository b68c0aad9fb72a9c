import Logging
import PQ
import Testing
import TouchstoneCore
import TouchstoneStore
import TouchstoneTestSupport

/// The roles of sql/cluster/roles.sql as PostgreSQL enforces them (docs/security.md). Every other
/// suite runs as the runtime login too; these check its limits one by one.
@Suite struct LeastPrivilegeTests {
    @Test func onlyTheRuntimeLoginIsFitToServeTenants() async throws {
        let (database, _) = try await TestDatabase.make()
        try await database.verifyRuntimeLogin()
        for (login, reason) in [(DatabaseProvisioning.ownerLogin, "owns tables of this database"), ("postgres", "is a superuser")] {
            let pool = TestDatabase.pool(database.pool.configuration.loggingIn(as: login), maxConnections: 1)
            let error = await #expect(throws: StoreError.self, "\(login)") {
                try await Database(pool: pool, logger: Logger(label: "test")).verifyRuntimeLogin()
            }
            #expect(error?.description.contains("the database login \(login) \(reason)") == true, "\(String(describing: error))")
            await pool.close()
        }
    }

    @Test func theRuntimeLoginCannotTouchWhatIsNotItsBusiness() async throws {
        let (database, tenant) = try await TestDatabase.make()
        try await IdentityQueries.addUser(tenant: tenant, login: "hq", displayName: nil, role: .admin, database: database)
        _ = try await IdentityQueries.createToken(tenant: tenant, login: "hq", label: nil, days: 1, database: database)
        _ = try await TenantQueries.setSLA(tenant: tenant, policy: SLAPolicy(high: 1, medium: 2, low: 3), database: database)
        let refused = [
            "INSERT INTO tenants (code, name) VALUES ('x', 'x')",
            "UPDATE tenants SET timezone = 'UTC'",
            "UPDATE users SET login = 'someone-else'",
            "UPDATE users SET tenant_id = tenant_id",
            "UPDATE users SET created_at = now()",
            "DELETE FROM users",
            "UPDATE api_tokens SET token_hash = repeat('0', 64)",
            "UPDATE api_tokens SET expires_at = now() + interval '10 years'",
            "DELETE FROM api_tokens",
            "UPDATE schema_migrations SET checksum = 'x'",
            "CREATE TABLE sneaky (a int)",
            "SET ROLE \(DatabaseProvisioning.ownerLogin)",
            "SET ROLE touchstone_lookup",
            "SET ROLE postgres",
        ]
        for statement in refused {
            await #expect(throws: StoreError.forbidden("the database refused this change"), "\(statement)") {
                try await database.tenantTransaction(tenant) { conn in _ = try conn.execute(Query(unsafeSQL: statement)) }
            }
        }
        // What the people pages write it may: a user's flag "must change password" (0130), scope and state.
        let written = try await database.tenantTransaction(tenant) { conn in
            try conn.execute("UPDATE users SET must_change_password = true, role = 'analyst', disabled = true WHERE login = 'hq'")
        }
        #expect(written == 1)
        // The SLA it may change, it did.
        #expect(try await TenantQueries.find(code: tenant.code, on: database).sla == SLAPolicy(high: 1, medium: 2, low: 3))
    }

    @Test func otherTenantsAreReachedOnlyThroughTheLookups() async throws {
        let (database, acme) = try await TestDatabase.make()
        let other = try await TestDatabase.createTenant(code: "other", in: database)
        try await IdentityQueries.addUser(tenant: other, login: "ho", displayName: nil, role: .analyst, database: database)
        let token = try await IdentityQueries.createToken(tenant: other, login: "ho", label: nil, days: 1, database: database).token

        let (principal, tenant) = try #require(try await IdentityQueries.principal(forToken: token, database: database))
        #expect(principal.login == "ho" && tenant.code == "other" && tenant.id == other.id)
        #expect(try await TenantQueries.find(code: "other", on: database).id == other.id)
        // Directly, with no tenant or with another tenant set, the same rows are not there.
        let counts = try await database.pool.withConnection { conn in
            try conn.queryFirst("SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM api_tokens) + (SELECT count(*) FROM tenants)")!
                .decode(0, as: Int.self)
        }
        #expect(counts == 0)
        let fromAcme = try await database.tenantTransaction(acme) { conn in
            try conn.queryFirst("SELECT count(*) FROM users WHERE login = 'ho'")!.decode(0, as: Int.self)
        }
        #expect(fromAcme == 0)
    }

    @Test func theSchemaOwnerIsBoundByTheTenantPoliciesToo() async throws {
        let (database, tenant) = try await TestDatabase.make()
        try await IdentityQueries.addUser(tenant: tenant, login: "hq", displayName: nil, role: .admin, database: database)
        let seen = try await TestDatabase.withOwner(of: database.pool.configuration) { owner in
            try await owner.pool.withConnection { conn in
                try conn.queryFirst("SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM tenants)")!.decode(0, as: Int.self)
            }
        }
        #expect(seen == 0)
        let roles = try await database.pool.withConnection { conn in
            try conn.query(
                """
                SELECT rolname FROM pg_roles WHERE rolname LIKE 'touchstone%' AND (rolsuper OR rolbypassrls) ORDER BY 1
                """
            ).map { try $0.decode(0, as: String.self) }
        }
        #expect(roles == [])
    }
}
