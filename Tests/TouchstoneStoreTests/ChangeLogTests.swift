import Foundation
import PQ
import Testing
import TouchstoneCore
import TouchstoneStore
import TouchstoneTestSupport

@Suite struct ChangeLogTests {
    @Test func changesAreLoggedWithTheBoundActorAndNeverHoldSecrets() async throws {
        let (database, tenant) = try await TestDatabase.make()
        let token = try await ChangeActor.$current.withValue(ChangeActor.commandLine(user: "tester")) {
            _ = try await TenantQueries.setSLA(tenant: tenant, policy: SLAPolicy(high: 12, medium: 48, low: 72), database: database)
            try await IdentityQueries.addUser(tenant: tenant, login: "hq", displayName: nil, role: .admin, database: database)
            return try await IdentityQueries.createToken(tenant: tenant, login: "hq", label: "ci", days: 1, database: database)
        }
        _ = try await importCSV(.outlets, file: BatchFixtures.sample("outlets.csv"), tenant: tenant, database: database)

        let changes = try await ChangeQueries.list(tenant: tenant, limit: 100, database: database).items
        #expect(changes.map(\.entity) == ["tenant", "user", "token", "outlet", "outlet", "outlet", "outlets"])
        #expect(changes.prefix(3).allSatisfy { $0.actor == "cli:tester" })
        // Unbound, the database names its login role.
        #expect(changes.dropFirst(3).allSatisfy { !$0.actor.isEmpty && !$0.actor.hasPrefix("cli:") })
        #expect(changes[0].before?["sla_high_hours"] == .number("24"))
        #expect(changes[0].after?["sla_high_hours"] == .number("12"))
        #expect(changes[1].after?["login"] == .string("hq"))
        #expect(changes[1].after?["password_hash"] == nil)
        #expect(changes[2].after?["token_hash"] == nil)
        #expect(changes[2].key == String(token.id))
        #expect(changes[6].action == "import")
        #expect(changes[6].after?["inserted"] == .number("3"))
        // Re-importing the same file changes no outlet: only the run's summary is added.
        _ = try await importCSV(.outlets, file: BatchFixtures.sample("outlets.csv"), tenant: tenant, database: database)
        let again = try await ChangeQueries.list(tenant: tenant, after: changes.last?.id, limit: 100, database: database).items
        #expect(again.map(\.entity) == ["outlets"])
        #expect(again.first?.key == changes[6].key)
        #expect(try await ChangeQueries.list(tenant: tenant, entity: "outlet", limit: 2, database: database).next != nil)
    }

    /// 0250 replaced the generic dynamic-SQL trigger function (app_log_changes) by one static
    /// function per table and event: the same statements logged by each write the same rows.
    @Test func theStaticTriggersLogWhatTheDynamicFunctionLogged() async throws {
        let (database, tenant) = try await TestDatabase.make()
        let operations = [
            """
            INSERT INTO outlets (tenant_id, code, name, region_id)
            SELECT tenant_id, 'CMP-' || g, 'Outlet ' || g, id FROM regions, generate_series(1, 2) AS g
            WHERE tenant_id = \(tenant.id) AND path = 'CMP'
            """,
            #"UPDATE outlets SET city = 'Xi''an "x" \ é', latitude = 1.5, longitude = 2.25 WHERE code LIKE 'CMP-%'"#,
            "UPDATE outlets SET name = name WHERE code LIKE 'CMP-%'",
            "DELETE FROM outlets WHERE code LIKE 'CMP-%'",
        ]
        let dynamic = """
            DROP TRIGGER change_log_insert ON outlets; DROP TRIGGER change_log_update ON outlets;
            DROP TRIGGER change_log_delete ON outlets;
            CREATE TRIGGER change_log_insert AFTER INSERT ON outlets REFERENCING NEW TABLE AS new_rows
                FOR EACH STATEMENT EXECUTE FUNCTION app_log_changes('outlet', 'r.code', 'r.tenant_id', 'id,updated_at,tenant_id');
            CREATE TRIGGER change_log_update AFTER UPDATE ON outlets REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
                FOR EACH STATEMENT EXECUTE FUNCTION app_log_changes('outlet', 'r.code', 'r.tenant_id', 'id,updated_at,tenant_id');
            CREATE TRIGGER change_log_delete AFTER DELETE ON outlets REFERENCING OLD TABLE AS old_rows
                FOR EACH STATEMENT EXECUTE FUNCTION app_log_changes('outlet', 'r.code', 'r.tenant_id', 'id,updated_at,tenant_id');
            """
        let logged = """
            SELECT row(tenant_id, actor, action, entity, entity_key, before::text, after::text)::text
            FROM change_log WHERE entity = 'outlet' ORDER BY id
            """
        let (rows, functions) = try await TestDatabase.asSuperuser(of: database.pool.configuration) { conn in
            _ = try conn.execute(Query(unsafeSQL: "SELECT set_config('app.tenant_id', '\(tenant.id)', true)"))
            let region = "INSERT INTO regions (tenant_id, name, path, depth, ancestors) VALUES (\(tenant.id), 'CMP', 'CMP', 0, '{}')"
            _ = try conn.execute(Query(unsafeSQL: region))
            for operation in operations { _ = try conn.execute(Query(unsafeSQL: operation)) }
            try conn.execute(script: dynamic)
            for operation in operations { _ = try conn.execute(Query(unsafeSQL: operation)) }
            let rows = try conn.query(Query(unsafeSQL: logged), as: String.self)
            // Every change-log trigger left runs a function of its own, owned and run like app_log_changes.
            let functions = try conn.query(
                Query(
                    unsafeSQL: """
                        SELECT DISTINCT p.proname || ' ' || (p.proowner = g.proowner) || ' ' || p.prosecdef || ' ' || (p.proconfig IS NULL)
                        FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid, pg_proc g
                        WHERE t.tgname LIKE 'change\\_log\\_%' AND t.tgrelid = 'audits'::regclass AND g.oid = 'app_log_changes'::regproc
                        ORDER BY 1
                        """), as: String.self)
            return (rows, functions)
        }
        // Two outlets inserted, updated and deleted (the no-op update logs nothing), twice.
        #expect(rows.count == 12)
        #expect(Array(rows.prefix(6)) == Array(rows.suffix(6)))
        #expect(rows[2].contains("Xi'an") && rows[2].contains("é") && rows[2].contains("1.5"))
        #expect(
            functions == ["app_log_audits_delete true false true", "app_log_audits_insert true false true", "app_log_audits_update true false true"])
    }

    @Test func theChangeLogIsAppendOnlyForEveryone() async throws {
        let (database, tenant) = try await TestDatabase.make()
        _ = try await TenantQueries.setSLA(tenant: tenant, policy: SLAPolicy(high: 1, medium: 2, low: 3), database: database)
        for statement in ["UPDATE change_log SET actor = 'x'", "DELETE FROM change_log", "TRUNCATE change_log"] {
            await #expect(throws: StoreError.self, "runtime role: \(statement)") {
                try await database.tenantTransaction(tenant) { conn in _ = try conn.execute(Query(unsafeSQL: statement)) }
            }
            // The schema owner too (row-level security is forced on it, so it sets the tenant to see the rows).
            await #expect(throws: PQError.self, "owner: \(statement)") {
                try await TestDatabase.withOwner(of: database.pool.configuration) { owner in
                    try await owner.pool.withTransaction(settings: [("app.tenant_id", String(tenant.id))]) { conn in
                        _ = try conn.execute(Query(unsafeSQL: statement))
                    }
                }
            }
        }
        #expect(try await ChangeQueries.list(tenant: tenant, limit: 10, database: database).items.count == 1)
    }

    /// targets.md: the runtime role without a tenant set sees no row of any tenant table, and
    /// every table holding tenant data forces row-level security (found in the catalog, so a
    /// new table cannot be forgotten).
    @Test func everyTenantTableIsEmptyWithoutATenant() async throws {
        let (database, tenant) = try await TestDatabase.make()
        try await BatchFixtures.loadSamples(database, tenant)
        _ = try await PlanQueries.add(tenant: tenant, json: try Data(contentsOf: BatchFixtures.sample("plan-sa.json")), database: database)
        _ = try await BatchFixtures.run(database, tenant, "2026-09")
        try await IdentityQueries.addUser(tenant: tenant, login: "hq", displayName: nil, role: .admin, database: database)
        _ = try await IdentityQueries.createToken(tenant: tenant, login: "hq", label: nil, days: 1, database: database)

        let tables = try await database.pool.withTransaction { conn in
            try conn.query(
                """
                SELECT c.relname, c.relrowsecurity AND c.relforcerowsecurity FROM pg_class c
                JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
                  AND (c.relname = 'tenants' OR EXISTS (SELECT 1 FROM pg_attribute a
                       WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped))
                ORDER BY c.relname
                """
            ).map { (try $0.decode(0, as: String.self), try $0.decode(1, as: Bool.self)) }
        }
        #expect(tables.count >= 25)
        #expect(tables.filter { !$0.1 }.map(\.0) == [], "tenant tables without forced row-level security")
        func counts(_ settings: [(String, String)]) async throws -> [String: Int] {
            try await database.pool.withTransaction(readOnly: true, settings: settings) { conn in
                Dictionary(
                    uniqueKeysWithValues: try tables.map { table, _ in
                        (table, try conn.queryFirst(Query(unsafeSQL: "SELECT count(*) FROM \(table)"))!.decode(0, as: Int.self))
                    })
            }
        }
        let asRuntime = try await counts([("role", Database.runtimeRole)])
        #expect(asRuntime.filter { $0.value != 0 } == [:])
        let asTenant = try await counts([("role", Database.runtimeRole), ("app.tenant_id", String(tenant.id))])
        #expect(asTenant.filter { $0.value > 0 }.count >= 15, "the check must see data: \(asTenant)")
    }
}
