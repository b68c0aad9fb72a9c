import Foundation
import PQ
import Testing
import TouchstoneCore
import TouchstoneStore
import TouchstoneTestSupport

/// The outlet and staff keys of survey responses, complaints (sql/0290) and assignments
/// (sql/0410), checked once per statement by the database instead of by row-level foreign keys:
/// as the runtime login, whoever writes, with the foreign key's SQLSTATE.
@Suite struct EventReferenceTests {
    /// What `statement` fails with, run as the runtime login in `tenant` (nil when it succeeds).
    static func failure(
        _ database: Database, _ tenant: Tenant, isolation: PQPool.IsolationLevel = .readCommitted, _ statement: String
    ) async -> PQError? {
        do {
            try await database.pool.withTransaction(isolation: isolation, settings: [("app.tenant_id", String(tenant.id))]) { conn in
                _ = try conn.execute(Query(unsafeSQL: statement))
            }
            return nil
        } catch {
            return error as? PQError
        }
    }

    static func id(_ database: Database, _ tenant: Tenant, _ sql: Query) async throws -> Int {
        try await database.tenantTransaction(tenant) { conn in try #require(try conn.queryFirst(sql)).decode(0, as: Int.self) }
    }

    @Test func eventRowsMustNameAnOutletAndAStaffMemberOfTheirOwnTenant() async throws {
        let (database, acme) = try await TestDatabase.make()
        let other = try await TestDatabase.createTenant(code: "other", in: database)
        _ = try await ImportTests.loadSamples(database, acme)
        _ = try await ImportTests.loadSamples(database, other)
        let outlet = try await Self.id(database, acme, "SELECT id FROM outlets WHERE code = 'O1'")
        let otherOutlet = try await Self.id(database, other, "SELECT id FROM outlets WHERE code = 'O1'")
        let otherStaff = try await Self.id(database, other, "SELECT id FROM staff WHERE employee_no = 'E8'")
        #expect(otherOutlet != outlet)

        let survey =
            "INSERT INTO survey_responses (tenant_id, response_id, outlet_id, staff_id, responded_at, sat) VALUES (app_current_tenant(), 'X1'"
        let complaint =
            "INSERT INTO complaints (tenant_id, complaint_id, outlet_id, staff_id, severity, opened_at) VALUES (app_current_tenant(), 'X1'"
        let refused = [
            ("\(survey), 987654321, NULL, now(), 5)", "no outlet 987654321 in tenant \(acme.id)"),
            ("\(survey), \(otherOutlet), NULL, now(), 5)", "no outlet \(otherOutlet) in tenant \(acme.id)"),
            ("\(survey), \(outlet), \(otherStaff), now(), 5)", "no staff member \(otherStaff) in tenant \(acme.id)"),
            ("UPDATE survey_responses SET outlet_id = \(otherOutlet) WHERE response_id = 'R1'", "no outlet \(otherOutlet)"),
            ("\(complaint), \(otherOutlet), NULL, 'high', now())", "no outlet \(otherOutlet) in tenant \(acme.id)"),
            ("UPDATE complaints SET staff_id = 987654321 WHERE complaint_id = 'C1'", "no staff member 987654321"),
        ]
        for (statement, message) in refused {
            let error = await Self.failure(database, acme, statement)
            #expect(error?.code == .foreignKeyViolation, "\(statement)")
            #expect(error?.message.contains(message) == true, "\(String(describing: error?.message))")
        }
        // Its own outlet (and no employee, or its own) it may name.
        #expect(await Self.failure(database, acme, "\(survey), \(outlet), NULL, now(), 5)") == nil)
        #expect(await Self.failure(database, acme, "UPDATE complaints SET staff_id = NULL WHERE complaint_id = 'C1'") == nil)
    }

    @Test func assignmentsMustNameAStaffMemberAndAnOutletOfTheirOwnTenant() async throws {
        let (database, acme) = try await TestDatabase.make()
        let other = try await TestDatabase.createTenant(code: "other", in: database)
        _ = try await ImportTests.loadSamples(database, acme)
        _ = try await ImportTests.loadSamples(database, other)
        let outlet = try await Self.id(database, acme, "SELECT id FROM outlets WHERE code = 'O1'")
        let staff = try await Self.id(database, acme, "SELECT id FROM staff WHERE employee_no = 'E8'")
        let otherOutlet = try await Self.id(database, other, "SELECT id FROM outlets WHERE code = 'O1'")
        let otherStaff = try await Self.id(database, other, "SELECT id FROM staff WHERE employee_no = 'E8'")
        let fresh = try await Self.id(
            database, acme, "INSERT INTO staff (tenant_id, employee_no, name) VALUES (app_current_tenant(), 'E77', '新人') RETURNING id")
        let assignment = "INSERT INTO assignments (tenant_id, staff_id, start_date, role, outlet_id) VALUES (app_current_tenant()"
        let refused = [
            ("\(assignment), \(fresh), '2030-01-01', 'advisor', \(otherOutlet))", "no outlet \(otherOutlet) in tenant \(acme.id)"),
            ("\(assignment), \(otherStaff), '2030-01-01', 'advisor', \(outlet))", "no staff member \(otherStaff) in tenant \(acme.id)"),
            ("\(assignment), 987654321, '2030-01-01', 'advisor', \(outlet))", "no staff member 987654321 in tenant \(acme.id)"),
            ("UPDATE assignments SET outlet_id = \(otherOutlet) WHERE staff_id = \(staff)", "no outlet \(otherOutlet) in tenant \(acme.id)"),
        ]
        for (statement, message) in refused {
            let error = await Self.failure(database, acme, statement)
            #expect(error?.code == .foreignKeyViolation, "\(statement)")
            #expect(error?.message.contains(message) == true, "\(String(describing: error?.message))")
        }
        // The staff member and outlet of an assignment stay, with their keys; without it they can go.
        #expect(try await Self.id(database, acme, "SELECT count(*) FROM assignments WHERE staff_id = \(staff)") > 0)
        #expect(try await Self.id(database, acme, "SELECT count(*) FROM assignments WHERE outlet_id = \(outlet)") > 0)
        for statement in [
            "DELETE FROM staff WHERE id = \(staff)", "UPDATE staff SET id = DEFAULT WHERE id = \(staff)",
            "DELETE FROM outlets WHERE id = \(outlet)", "UPDATE outlets SET id = DEFAULT WHERE id = \(outlet)",
        ] {
            let error = await Self.failure(database, acme, statement)
            #expect(error?.code == .foreignKeyViolation, "\(statement)")
            #expect(error?.message.contains("survey responses, complaints or assignments") == true, "\(String(describing: error?.message))")
        }
        #expect(await Self.failure(database, acme, "\(assignment), \(fresh), '2030-01-01', 'advisor', \(outlet))") == nil)
        #expect(await Self.failure(database, acme, "DELETE FROM staff WHERE id = \(fresh)")?.code == .foreignKeyViolation)
        #expect(await Self.failure(database, acme, "DELETE FROM assignments WHERE staff_id = \(fresh)") == nil)
        #expect(await Self.failure(database, acme, "DELETE FROM staff WHERE id = \(fresh)") == nil)
    }

    @Test func referencedOutletsAndStaffCannotBeDeletedNorRekeyed() async throws {
        let (database, tenant) = try await TestDatabase.make()
        _ = try await ImportTests.loadSamples(database, tenant)
        // An outlet and a staff member named only by events (no assignment, whose foreign keys would refuse too).
        let setup = try ImportTests.write("code,name,region_path\nO9,新店,华东\nO8,小店,华东\n")
        defer { try? FileManager.default.removeItem(at: setup) }
        _ = try await importCSV(.outlets, file: setup, tenant: tenant, database: database)
        try await database.tenantTransaction(tenant) { conn in
            _ = try conn.execute("INSERT INTO staff (tenant_id, employee_no, name) VALUES (app_current_tenant(), 'E99', '新人')")
            _ = try conn.execute(
                """
                INSERT INTO survey_responses (tenant_id, response_id, outlet_id, staff_id, responded_at, sat)
                SELECT app_current_tenant(), 'X1', o.id, st.id, now(), 4 FROM outlets o, staff st WHERE o.code = 'O9' AND st.employee_no = 'E99'
                """)
            _ = try conn.execute(
                """
                INSERT INTO complaints (tenant_id, complaint_id, outlet_id, severity, opened_at)
                SELECT app_current_tenant(), 'X2', o.id, 'low', now() FROM outlets o WHERE o.code = 'O8'
                """)
        }
        for statement in [
            "DELETE FROM outlets WHERE code = 'O9'", "DELETE FROM outlets WHERE code = 'O8'", "DELETE FROM staff WHERE employee_no = 'E99'",
            "UPDATE outlets SET id = DEFAULT WHERE code = 'O9'", "UPDATE staff SET id = DEFAULT WHERE employee_no = 'E99'",
        ] {
            let error = await Self.failure(database, tenant, statement)
            #expect(error?.code == .foreignKeyViolation, "\(statement)")
            #expect(error?.message.contains("is named by them") == true, "\(String(describing: error?.message))")
        }
        // Other changes to them go through; once nothing names them, they can go.
        #expect(await Self.failure(database, tenant, "UPDATE outlets SET name = '老店' WHERE code = 'O9'") == nil)
        #expect(await Self.failure(database, tenant, "UPDATE staff SET name = '老人' WHERE employee_no = 'E99'") == nil)
        // Outside READ COMMITTED the check could miss rows committed meanwhile: refused, named or not.
        let repeatable = await Self.failure(database, tenant, isolation: .repeatableRead, "DELETE FROM outlets WHERE code = 'O8'")
        #expect(repeatable?.code == SQLState(rawValue: "0A000"))
        #expect(await Self.failure(database, tenant, "DELETE FROM survey_responses WHERE response_id = 'X1'") == nil)
        #expect(await Self.failure(database, tenant, "DELETE FROM complaints WHERE complaint_id = 'X2'") == nil)
        for statement in [
            "DELETE FROM outlets WHERE code IN ('O8', 'O9')", "DELETE FROM staff WHERE employee_no = 'E99'",
        ] {
            #expect(await Self.failure(database, tenant, statement) == nil, "\(statement)")
        }
    }
}
