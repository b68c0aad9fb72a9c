import Foundation
import PQ
import Testing
import TouchstoneCore
import TouchstoneTestSupport

@testable import TouchstoneStore

/// `app_audit_visible` and `app_visit_visible` as PostgreSQL runs them (sql/0270, sql/0280):
/// inlined into the caller's query for every scope, an agency and its auditors looked up once per
/// statement (init plans), not once per row.
@Suite struct AuditVisibilityPlanTests {
    @Test func theAgencysAuditorsAreLookedUpOncePerStatement() async throws {
        let fixture = try await AgencyVisitTests.fixture()
        let (agency, plans) = try await fixture.database.tenantTransaction(fixture.tenant, readOnly: true) { conn in
            let agency = try ["coord-a", "aud-a1", "nobody"].map { login in
                try conn.queryFirst("SELECT app_agency_auditors(\(login))")!.decode([String].self).sorted()
            }
            let plans = try [AuditScope.agency(coordinator: "coord-a"), .all, .submitter("aud-a1")].map { scope in
                try conn.query(
                    """
                    EXPLAIN (COSTS OFF) SELECT count(*) FROM audits a
                    WHERE app_audit_visible(\(fragment: scope.arguments), a.submitted_by, NULL, NULL, NULL, a.state)
                    """, as: String.self
                ).joined(separator: "\n")
            }
            return (agency, plans)
        }
        // Only a coordinator has an agency's auditors (aud-x, of no agency, is not among them).
        #expect(agency == [["aud-a1", "aud-a2"], [], []])
        for plan in plans { #expect(!plan.contains("app_audit_visible"), "not inlined:\n\(plan)") }
        #expect(plans[0].contains("InitPlan") && plans[0].contains("submitted_by = ANY"), "\(plans[0])")
        #expect(!plans[1].contains("submitted_by") && !plans[1].contains("InitPlan"), "\(plans[1])")
        #expect(plans[2].contains("submitted_by = 'aud-a1'"), "\(plans[2])")
    }

    @Test func aCoordinatorsVisitsAreFoundWithoutALookUpPerRow() async throws {
        let fixture = try await AgencyVisitTests.fixture()
        let plans = try await fixture.database.tenantTransaction(fixture.tenant, readOnly: true) { conn in
            try [VisitScope.agency(coordinator: "coord-a"), .all, .auditor("aud-a1")].map { scope in
                try conn.query(
                    """
                    EXPLAIN (COSTS OFF) SELECT count(*) FROM visits v
                    WHERE app_visit_visible(\(fragment: scope.arguments), v.auditor, v.agency_code)
                    """, as: String.self
                ).joined(separator: "\n")
            }
        }
        for plan in plans { #expect(!plan.contains("app_visit_visible"), "not inlined:\n\(plan)") }
        #expect(plans[0].contains("InitPlan") && plans[0].contains("ANY"), "\(plans[0])")
        #expect(!plans[1].contains("Filter") && !plans[1].contains("InitPlan"), "\(plans[1])")
        #expect(plans[2].contains("auditor = 'aud-a1'"), "\(plans[2])")
    }
}
