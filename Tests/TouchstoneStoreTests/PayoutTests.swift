import Foundation
import PQ
import Testing
import TouchstoneCore
import TouchstoneStore
import TouchstoneTestSupport

/// Plans, the payout step, exports and explanations against a real PostgreSQL (rules.md §5).
@Suite struct PayoutTests {
    static let september = Period.month(2026, 9)!

    @Test func workedExampleThroughTheStepAndExport() async throws {
        let (database, tenant) = try await TestDatabase.make()
        try await PayoutFixtures.loadSamples(tenant: tenant, database: database)
        try await PayoutFixtures.setKPIs(PayoutFixtures.workedExampleKPIs(), period: "2026-09", tenant: tenant, database: database)
        let summary = try await PayoutFixtures.runPayouts(Self.september, tenant: tenant, database: database)
        #expect(summary.plans == ["SA": 1])
        #expect(summary.people == 2)  // E9 is an outlet manager: not in plan SA's roles
        #expect(summary.rows == 2)

        let csv = try await PayoutFixtures.export(Self.september, tenant: tenant, database: database)
        #expect(
            csv == """
                period,employee_no,name,plan,prorated_target,score_pct,payout,currency,note
                2026-09,E7,王芳,SA,2133.33,92.6667,1976.89,CNY,
                2026-09,E8,李强,SA,1800.00,100.0000,1800.00,CNY,"MS insufficient, dropped"

                """)
        let excel = try await PayoutFixtures.export(Self.september, excel: true, tenant: tenant, database: database)
        #expect(Array(excel.utf8.prefix(3)) == [0xEF, 0xBB, 0xBF])
        #expect(excel.dropFirst() == csv)
    }

    @Test func insufficientOutletIsLeftOutOfTheMean() async throws {
        let (database, tenant) = try await TestDatabase.make()
        try await PayoutFixtures.loadSamples(tenant: tenant, database: database)
        try await PayoutFixtures.setKPIs(PayoutFixtures.workedExampleKPIs(o2Responses: 2), period: "2026-09", tenant: tenant, database: database)
        try await PayoutFixtures.runPayouts(Self.september, tenant: tenant, database: database)
        let rows = try await PayoutQueries.list(tenant: tenant, period: Self.september, employeeNo: "E7", database: database)
        #expect(rows.count == 1)
        #expect(rows.first?.payout == Decimal(string: "1920.00"))
        #expect(rows.first?.scorePct == 90)
        #expect(rows.first?.planVersion == 1)
        #expect(rows.first?.adjustsPeriod == nil)
    }

    @Test func explanationTextAndJSON() async throws {
        let (database, tenant) = try await PayoutFixtures.paidWorkedExample()

        let explanations = try await PayoutQueries.explanations(tenant: tenant, period: Self.september, employeeNo: "E7", database: database)
        #expect(explanations.count == 1)
        let e = try #require(explanations.first)
        #expect(e.formula == "2133.33 × 92.6667% × 1 = 1976.89")
        #expect(e.segments.map(\.days) == [20, 10])
        #expect(e.segments.map(\.outlet) == ["O1", "O2"])
        #expect(e.components.map(\.kpi) == ["MS", "CSAT"])
        #expect(e.components[0].value == 80)
        #expect(e.components[1].inputs.map(\.value) == [92, 96])
        let text = e.text
        #expect(text.contains("O1 service_advisor 2026-09-01…2026-09-20: 20 days, target bonus 2000.00"))
        #expect(text.contains("MS (staff, weight 60): value 80.00, n 1, amber → attainment 83.3333%"))
        #expect(text.contains("Payout = 2133.33 × 92.6667% × 1 = 1976.89 CNY"))

        // The stored JSON decodes to exactly what the engine produced.
        let plan = try Plan.parse(
            json: try Data(contentsOf: PayoutFixtures.sample("plan-sa.json")),
            knownKPIs: Dictionary(
                uniqueKeysWithValues: try KPIDefinition.parseList(
                    json: try Data(contentsOf: PayoutFixtures.sample("kpis.json"))
                ).map { ($0.code, $0) }))
        let person = PayoutPerson(
            employeeNo: "E7", name: "王芳",
            assignments: [
                Assignment(outlet: "O1", role: "service_advisor", start: CivilDate("2025-01-01")!, end: CivilDate("2026-09-20")!, targetBonus: 2000),
                Assignment(outlet: "O2", role: "service_advisor", start: CivilDate("2026-09-21")!, targetBonus: 2400),
            ])
        let definitions = Dictionary(
            uniqueKeysWithValues: try KPIDefinition.parseList(
                json: try Data(contentsOf: PayoutFixtures.sample("kpis.json"))
            ).map { ($0.code, $0) })
        let direct = PayoutEngine.compute(
            plan: plan, period: Self.september, person: person,
            staffKPIs: ["MS": KPIValue(value: 80, n: 1, status: .amber)],
            outletKPIs: ["O1": ["CSAT": KPIValue(value: 92, n: 25, status: .amber)], "O2": ["CSAT": KPIValue(value: 96, n: 25, status: .green)]],
            definitions: definitions)
        #expect(direct?.explanation == e)

        let json = try await PayoutQueries.explanationJSON(tenant: tenant, period: Self.september, employeeNo: "E7", database: database)
        #expect(json.count == 1)
        #expect(json[0].contains("\"formula\": \"2133.33 × 92.6667% × 1 = 1976.89\""))

        await #expect(throws: StoreError.notFound("payout of E9 in 2026-09")) {
            try await PayoutQueries.explanationJSON(tenant: tenant, period: Self.september, employeeNo: "E9", database: database)
        }
    }

    @Test func rerunOnUnchangedInputsIsIdentical() async throws {
        let (database, tenant) = try await PayoutFixtures.paidWorkedExample()
        let first = try await PayoutFixtures.export(Self.september, tenant: tenant, database: database)
        let firstHash = try await PeriodQueries.recomputeHash(tenant: tenant, period: Self.september, database: database)
        try await PayoutFixtures.runPayouts(Self.september, tenant: tenant, database: database)
        #expect(try await PayoutFixtures.export(Self.september, tenant: tenant, database: database) == first)
        #expect(try await PeriodQueries.recomputeHash(tenant: tenant, period: Self.september, database: database) == firstHash)
        let jobs = try await database.tenantTransaction(tenant, readOnly: true) { conn in
            try conn.query("SELECT (inputs->'payouts')::text FROM batch_jobs ORDER BY id").map { try $0.decode(0, as: String.self) }
        }
        #expect(jobs.count == 2)
        // The same people and values read; nothing to write the second time.
        #expect(jobs[1] == jobs[0].replacingOccurrences(of: #""rows": 2"#, with: #""rows": 0"#))
        #expect(jobs[0].contains("\"plans\": {\"SA\": 1}"))
    }

    /// A rerun compares explanations by the digest stored with them (sql/0390): one changed behind
    /// the batch's back loses its digest and is written again, the other row is left as it was.
    @Test func rerunRestoresAnExplanationChangedSinceTheRun() async throws {
        let (database, tenant) = try await PayoutFixtures.paidWorkedExample()
        let original = try await PayoutQueries.explanationJSON(tenant: tenant, period: Self.september, employeeNo: "E7", database: database)
        let digests = try await database.tenantTransaction(tenant) { conn in
            try conn.execute("UPDATE payouts SET explanation = explanation || '{\"note\": \"edited\"}' WHERE employee_no = 'E7'")
            return try conn.query("SELECT employee_no, explanation_digest FROM payouts ORDER BY employee_no").map {
                try $0.decode((String, String?).self)
            }
        }
        #expect(digests.map(\.0) == ["E7", "E8"])
        #expect(digests[0].1 == nil)
        #expect(digests[1].1?.count == 32)
        let rerun = try await PayoutFixtures.runPayouts(Self.september, tenant: tenant, database: database)
        #expect(rerun.rows == 1)
        #expect(try await PayoutQueries.explanationJSON(tenant: tenant, period: Self.september, employeeNo: "E7", database: database) == original)
        let restored = try await database.tenantTransaction(tenant, readOnly: true) { conn in
            try conn.queryFirst("SELECT explanation_digest = md5(explanation::text) FROM payouts WHERE employee_no = 'E8'")!.decode(0, as: Bool.self)
        }
        // The digest is of the text the batch wrote, not of jsonb's rendering of it.
        #expect(restored == false)
    }

    /// A rerun over stored payouts writes only the rows that differ from what it computes, and
    /// deletes the stored rows it no longer computes: a person no longer paid at all, and a plan
    /// that no longer pays a person who is still paid under another.
    @Test func rerunWritesWhatChangedAndDeletesWhatIsNoLongerPaid() async throws {
        let (database, tenant) = try await PayoutFixtures.paidWorkedExample()
        let other = String(decoding: try Data(contentsOf: PayoutFixtures.sample("plan-sa.json")), as: UTF8.self)
            .replacingOccurrences(of: "\"SA\"", with: "\"SB\"").replacingOccurrences(of: "service_advisor", with: "valet")
        _ = try await PlanQueries.add(tenant: tenant, json: Data(other.utf8), database: database)
        let before = try await database.tenantTransaction(tenant) { conn in
            try conn.execute("UPDATE payouts SET payout = payout + 1 WHERE employee_no = 'E8'")
            try conn.execute(
                """
                INSERT INTO payouts (tenant_id, period, employee_no, plan_code, plan_version, name, prorated_target, score_pct,
                                     payout, currency, explanation, job_id)
                SELECT tenant_id, period, employee_no, 'SB', 1, name, prorated_target, score_pct, payout, currency, explanation, job_id
                FROM payouts WHERE employee_no = 'E7'
                UNION ALL
                SELECT tenant_id, period, 'E99', plan_code, plan_version, 'Gone', prorated_target, score_pct, payout, currency,
                       explanation, job_id
                FROM payouts WHERE employee_no = 'E7'
                """)
            return try conn.query("SELECT employee_no, job_id FROM payouts ORDER BY employee_no, plan_code").map {
                try $0.decode((String, Int64).self)
            }
        }
        #expect(before.map(\.0) == ["E7", "E7", "E8", "E99"])
        let rerun = try await PayoutFixtures.runPayouts(Self.september, tenant: tenant, database: database)
        #expect(rerun.rows == 1)
        let after = try await database.tenantTransaction(tenant, readOnly: true) { conn in
            try conn.query("SELECT employee_no, plan_code, job_id, payout::text FROM payouts ORDER BY employee_no, plan_code").map {
                try $0.decode((String, String, Int64, String).self)
            }
        }
        // E7's row is kept as it was written (its job), E8's written again with the computed payout.
        #expect(after.map { "\($0.0) \($0.1)" } == ["E7 SA", "E8 SA"])
        #expect(after[0].2 == before[0].1)
        #expect(after[1].2 != before[2].1)
        let exported = try await PayoutFixtures.export(Self.september, tenant: tenant, database: database)
        #expect(exported.contains(after[1].3))
        #expect(!exported.contains("E99"))
    }

    @Test func planVersions() async throws {
        let (database, tenant) = try await TestDatabase.make()
        try await PayoutFixtures.loadSamples(tenant: tenant, database: database)
        let original = try Data(contentsOf: PayoutFixtures.sample("plan-sa.json"))
        // Same plan, other layout: unchanged.
        let reformatted = try JSONSerialization.data(
            withJSONObject: try JSONSerialization.jsonObject(with: original), options: [.prettyPrinted, .sortedKeys])
        let again = try await PlanQueries.add(tenant: tenant, json: reformatted, database: database)
        #expect(again.outcome == .unchanged)
        #expect(again.plan.version == 1)

        let changed = Data(String(decoding: original, as: UTF8.self).replacingOccurrences(of: "\"cap\": 150", with: "\"cap\": 120").utf8)
        let second = try await PlanQueries.add(tenant: tenant, json: changed, database: database)
        #expect(second.outcome == .created)
        #expect(second.plan.version == 2)
        #expect(try await PlanQueries.get(tenant: tenant, code: "SA", database: database).version == 2)
        #expect(try await PlanQueries.get(tenant: tenant, code: "SA", version: 1, database: database).definition.contains("150"))
        #expect(try await PlanQueries.list(tenant: tenant, database: database).map(\.version) == [2])

        let unknownKPI = Data(String(decoding: original, as: UTF8.self).replacingOccurrences(of: "\"CRIT\"", with: "\"NOPE\"").utf8)
        await #expect(throws: StoreError.self) {
            try await PlanQueries.add(tenant: tenant, json: unknownKPI, database: database)
        }
        do {
            _ = try await PlanQueries.add(tenant: tenant, json: unknownKPI, database: database)
        } catch let StoreError.invalid(problems) {
            #expect(problems.map(\.path) == ["gates[0].kpi"])
        }
        #expect(try await PlanQueries.list(tenant: tenant, database: database).map(\.version) == [2])
    }
}
