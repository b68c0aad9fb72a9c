import Foundation
import PQ
import Testing
import TouchstoneCore
import TouchstoneStore
import TouchstoneTestSupport

/// The audit key of an audit's answers, scores, transitions and score history, checked once per
/// statement by the database (sql/0340) instead of by row-level foreign keys, with the cascade
/// on delete kept: as the runtime login, with the foreign key's SQLSTATE.
@Suite struct AuditChildReferenceTests {
    static let children = ["audit_answers", "audit_section_scores", "audit_dimension_scores", "audit_transitions", "audit_score_history"]

    /// Rows of each child table naming `audit`.
    static func childRows(_ database: Database, _ tenant: Tenant, _ audit: UUID) async throws -> [Int] {
        try await database.tenantTransaction(tenant) { conn in
            try children.map { table in
                try #require(try conn.queryFirst(Query(unsafeSQL: "SELECT count(*) FROM \(table) WHERE audit_id = '\(audit)'"))).decode(
                    0, as: Int.self)
            }
        }
    }

    @Test func childRowsMustNameAnAuditOfTheirOwnTenant() async throws {
        let (database, acme) = try await TestDatabase.make()
        let other = try await TestDatabase.createTenant(code: "other", in: database)
        try await BatchFixtures.loadSamples(database, acme)
        try await BatchFixtures.loadSamples(database, other)
        let audit = try await EventReferenceTests.id(database, acme, "SELECT count(*) FROM audits")
        #expect(audit == 1)
        let otherAudit = UUID()
        try await BatchFixtures.insertAudit(
            database, other,
            BatchFixtures.StoredAudit(
                id: otherAudit, template: "demo-visit", outlet: "O1", visitedAt: Date(), state: "released", criticalFailure: false))
        let missing = UUID()
        let refused = [
            ("INSERT INTO audit_answers VALUES (app_current_tenant(), '\(missing)', 'Q1', 'true', 1, 1, false)", missing),
            ("INSERT INTO audit_answers VALUES (app_current_tenant(), '\(otherAudit)', 'Q1', 'true', 1, 1, false)", otherAudit),
            ("INSERT INTO audit_section_scores VALUES (app_current_tenant(), '\(missing)', 'S1', 90)", missing),
            ("INSERT INTO audit_dimension_scores VALUES (app_current_tenant(), '\(missing)', 'service', 90)", missing),
            ("UPDATE audit_section_scores SET audit_id = '\(missing)'", missing),
            (
                "INSERT INTO audit_transitions (tenant_id, audit_id, seq, at, actor, to_state) VALUES (app_current_tenant(), '\(missing)', 1, now(), 't', 'submitted')",
                missing
            ),
            (
                "INSERT INTO audit_score_history (tenant_id, audit_id, seq, at, template_version, new_score, reason) VALUES (app_current_tenant(), '\(missing)', 1, now(), 1, 90, 't')",
                missing
            ),
        ]
        for (statement, audit) in refused {
            let error = await EventReferenceTests.failure(database, acme, statement)
            #expect(error?.code == .foreignKeyViolation, "\(statement)")
            #expect(
                error?.message.contains("no audit \(audit.uuidString.lowercased()) in tenant \(acme.id)") == true,
                "\(String(describing: error?.message))")
        }
        // Its own audit it may name: one statement, many rows, one check.
        #expect(
            await EventReferenceTests.failure(
                database, acme,
                "INSERT INTO audit_answers SELECT tenant_id, id, 'X' || n, 'true', 1, 1, false FROM audits, generate_series(1, 3) AS n") == nil)
    }

    @Test func deletingAnAuditDeletesItsChildRowsAndItsKeyStays() async throws {
        let (database, tenant) = try await TestDatabase.make()
        try await BatchFixtures.loadSamples(database, tenant)
        let audit = UUID()
        try await BatchFixtures.insertAudit(
            database, tenant,
            BatchFixtures.StoredAudit(
                id: audit, template: "demo-visit", outlet: "O1", visitedAt: Date(), state: "released", criticalFailure: false, sections: ["S1": 80],
                dimensions: ["service": 70]))
        try await database.tenantTransaction(tenant) { conn in
            _ = try conn.execute("INSERT INTO audit_answers VALUES (app_current_tenant(), \(audit), 'Q1', 'true', 1, 1, false)")
            _ = try conn.execute(
                "INSERT INTO audit_transitions (tenant_id, audit_id, seq, at, actor, to_state) VALUES (app_current_tenant(), \(audit), 1, now(), 't', 'submitted')"
            )
            _ = try conn.execute(
                """
                INSERT INTO audit_score_history (tenant_id, audit_id, seq, at, template_version, new_score, reason)
                VALUES (app_current_tenant(), \(audit), 1, now(), 1, 80, 't')
                """)
        }
        #expect(try await Self.childRows(database, tenant, audit) == [1, 1, 1, 1, 1])

        let rekey = "UPDATE audits SET id = gen_random_uuid() WHERE id = '\(audit)'"
        let refused = await EventReferenceTests.failure(database, tenant, rekey)
        #expect(refused?.code == .foreignKeyViolation)
        #expect(refused?.message.contains("audit \(audit.uuidString.lowercased()) of tenant \(tenant.id) is named by them") == true)
        let delete = "DELETE FROM audits WHERE id = '\(audit)'"
        #expect(await EventReferenceTests.failure(database, tenant, isolation: .repeatableRead, delete)?.code == .featureNotSupported)
        #expect(try await Self.childRows(database, tenant, audit) == [1, 1, 1, 1, 1])

        #expect(await EventReferenceTests.failure(database, tenant, delete) == nil)
        #expect(try await Self.childRows(database, tenant, audit) == [0, 0, 0, 0, 0])
        // The sample audit's rows are untouched.
        #expect(try await EventReferenceTests.id(database, tenant, "SELECT count(*) FROM audit_section_scores") > 0)
    }
}
