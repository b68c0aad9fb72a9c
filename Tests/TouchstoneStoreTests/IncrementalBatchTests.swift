import Foundation
import PQ
import Testing
import TouchstoneCore
import TouchstoneStore
import TouchstoneTestSupport

/// Incremental reruns (docs/kpi-batch.md "Reruns"): after random late audits, corrections,
/// deletes, imports, actions and time passing, an incremental rerun leaves the period's KPI
/// results (every column but the job, ranks included), payouts and explanations exactly as a
/// full run of the same state; it falls back to the full run when the org, the KPI definitions
/// or the plans changed; a write committed during a rerun is taken by the next one.
@Suite struct IncrementalBatchTests {
    typealias SeededRandom = BatchChainTests.SeededRandom

    static let period = "2026-09"
    static let paths = ["北区/京津/北京", "北区/京津/天津", "北区/河北", "南区/广东/深圳", "南区/广东/广州", "南区"]
    static let kpisJSON = """
        [{"code": "MS", "metric": "audit.score", "template": "T1", "direction": "higher", "threshold": 70, "target": 85},
         {"code": "SEC", "metric": "audit.section:S1", "template": "T1", "direction": "higher", "threshold": 60, "target": 80, "minSample": 2},
         {"code": "DIM", "metric": "audit.dimension:empathy", "template": "T1", "direction": "higher", "threshold": 50, "target": 75},
         {"code": "CRIT", "metric": "audit.critical_failures", "template": "T1", "direction": "lower", "threshold": 1, "target": 0},
         {"code": "CSAT", "metric": "survey.top2box", "direction": "higher", "threshold": 60, "target": 75, "minSample": 3},
         {"code": "MEAN", "metric": "survey.mean", "direction": "higher", "threshold": 3.2, "target": 3.8},
         {"code": "NPS", "metric": "survey.nps", "direction": "higher", "threshold": 0, "target": 20, "minSample": 3},
         {"code": "CNT", "metric": "complaint.count", "direction": "lower", "threshold": 4, "target": 2},
         {"code": "SLA", "metric": "complaint.sla_rate", "direction": "higher", "threshold": 50, "target": 70, "minSample": 2},
         {"code": "P50", "metric": "complaint.first_response_p50", "direction": "lower", "threshold": 900, "target": 300},
         {"code": "ACT", "metric": "action.closure_on_time", "direction": "higher", "threshold": 50, "target": 80},
         {"code": "OVR", "metric": "action.open_overdue", "direction": "lower", "threshold": 2, "target": 0}]
        """
    static let planJSON = """
        {"code": "SA", "name": "advisors", "roles": ["advisor"], "period": "month", "currency": "CNY", "targetBonus": "1500.00", "cap": 150,
         "components": [
           {"kpi": "MS", "level": "staff", "weight": 50,
            "curve": {"type": "linear", "threshold": 40, "target": 70, "stretch": 95, "atThreshold": 50, "atStretch": 150},
            "insufficient": "redistribute"},
           {"kpi": "CSAT", "level": "outlet", "weight": 30,
            "curve": {"type": "tiers", "tiers": [{"from": 80, "pct": 120}, {"from": 50, "pct": 100}, {"from": 20, "pct": 60}]},
            "insufficient": "redistribute"},
           {"kpi": "NPS", "level": "staff", "weight": 20,
            "curve": {"type": "linear", "threshold": -50, "target": 0, "stretch": 50, "atThreshold": 50, "atStretch": 150},
            "insufficient": "redistribute"}],
         "gates": [{"kpi": "CRIT", "level": "outlet", "when": {"gt": 1}, "effect": {"multiply": 0.5}}]}
        """

    /// A small random chain and its random changes.
    final class Chain: @unchecked Sendable {
        let database: Database
        let tenant: Tenant
        var rng: SeededRandom
        let outlets = (0..<12).map { String(format: "X%02d", $0) }
        let staff = (0..<30).map { String(format: "S%03d", $0) }
        var audits: [UUID] = []
        var responses = 0
        var complaints = 0
        var asOf = BatchFixtures.instant("2026-09-20T00:00:00Z")
        let start = BatchFixtures.instant("2026-08-31T16:00:00Z").timeIntervalSince1970  // 2026-09-01 in Shanghai

        init(seed: UInt64) async throws {
            let (database, tenant) = try await TestDatabase.make()
            self.database = database
            self.tenant = tenant
            rng = SeededRandom(state: seed)
            try await BatchFixtures.importCSVText(
                database, tenant, .outlets,
                "code,name,type,region_path,opened_on,closed_on,city\n"
                    + outlets.enumerated().map { "\($1),店\($1),store,\(IncrementalBatchTests.paths[$0 % 6]),,,\n" }.joined())
            try await BatchFixtures.importCSVText(
                database, tenant, .staff,
                "employee_no,name,role,outlet_code,start_date,end_date,target_bonus\n"
                    + staff.enumerated().map { "\($1),员工\($1),advisor,\(outlets[$0 % outlets.count]),2026-01-01,,1000\n" }.joined())
            try await BatchFixtures.defineKPIs(database, tenant, IncrementalBatchTests.kpisJSON)
            _ = try await PlanQueries.add(tenant: tenant, json: Data(IncrementalBatchTests.planJSON.utf8), database: database)
            try await BatchFixtures.insertTemplate(database, tenant, code: "T1", version: 1)
            for _ in 0..<40 { try await addAudit() }
            try await importSurveys(count: 200)
            try await importComplaints(count: 50)
            for _ in 0..<8 { try await addAction() }
        }

        /// A new id: the counter, then counted.
        static func next(_ counter: inout Int) -> Int {
            counter += 1
            return counter - 1
        }

        func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }
        func chance(_ percent: Int) -> Bool { int(0...99) < percent }
        func instant(days: Int = 30) -> Date { Date(timeIntervalSince1970: start + Double(int(0...(days * 86_400 - 1)))) }
        func text(_ date: Date) -> String { Instant.format(date, in: TimeZone(identifier: "UTC")!) }
        func decimal() -> Decimal { Decimal(string: "\(int(0...99)).\(int(0...999))")! }

        func write(_ query: Query) async throws {
            try await database.tenantTransaction(tenant) { conn in _ = try conn.execute(query) }
        }

        func addAudit() async throws {
            let audit = BatchFixtures.StoredAudit(
                template: "T1", outlet: outlets.randomElement(using: &rng)!, visitedAt: instant(),
                servedBy: chance(75) ? staff.randomElement(using: &rng)! : nil, state: chance(85) ? "released" : "submitted",
                score: chance(90) ? decimal() : nil, criticalFailure: chance(20), sections: ["S1": decimal()], dimensions: ["empathy": decimal()])
            try await BatchFixtures.insertAudit(database, tenant, audit)
            audits.append(audit.id)
        }

        func importSurveys(count: Int) async throws {
            var csv = "response_id,outlet_code,employee_no,responded_at,channel,sat,nps\n"
            var corrected = Set<Int>()
            let earlier = responses
            for _ in 0..<count {
                // Now and then a correction of an earlier response (same id, new values), once a file.
                let old = earlier > 0 && chance(20) ? int(0...(earlier - 1)) : nil
                let id = old.map { corrected.insert($0).inserted ? $0 : Self.next(&responses) } ?? Self.next(&responses)
                let person = chance(60) ? staff.randomElement(using: &rng)! : ""
                let nps = chance(70) ? String(int(0...10)) : ""
                csv += "R\(id),\(outlets.randomElement(using: &rng)!),\(person),\(text(instant())),phone,\(int(1...5)),\(nps)\n"
            }
            try await BatchFixtures.importCSVText(database, tenant, .surveys, csv)
        }

        func importComplaints(count: Int) async throws {
            var csv = "complaint_id,outlet_code,employee_no,severity,opened_at,first_response_at,resolved_at\n"
            var corrected = Set<Int>()
            let earlier = complaints
            for _ in 0..<count {
                let old = earlier > 0 && chance(25) ? int(0...(earlier - 1)) : nil
                let id = old.map { corrected.insert($0).inserted ? $0 : Self.next(&complaints) } ?? Self.next(&complaints)
                let person = chance(50) ? staff.randomElement(using: &rng)! : ""
                let opened = instant(days: 24)
                let first = chance(70) ? text(opened.addingTimeInterval(Double(int(0...100_000)))) : ""
                let resolved = chance(50) ? text(opened.addingTimeInterval(Double(int(3_600...(100 * 3_600))))) : ""
                csv += "C\(id),\(outlets.randomElement(using: &rng)!),\(person),\(["high", "medium", "low"].randomElement(using: &rng)!),"
                csv += "\(text(opened)),\(first),\(resolved)\n"
            }
            try await BatchFixtures.importCSVText(database, tenant, .complaints, csv)
        }

        func addAction() async throws {
            let opened = instant(days: 25)
            let due = opened.addingTimeInterval(Double(int(86_400...(10 * 86_400))))
            let verified: Date? = chance(40) ? opened.addingTimeInterval(Double(int(3_600...(12 * 86_400)))) : nil
            try await write(
                """
                INSERT INTO actions (tenant_id, outlet_id, source, severity, title, state, opened_at, opened_by, due_at, verified_at)
                SELECT app_current_tenant(), id, 'manual', 'low', 'fix', \(verified == nil ? "open" : "verified"), \(opened)::timestamptz,
                       'test', \(due)::timestamptz, \(verified)::timestamptz
                FROM outlets WHERE code = \(outlets.randomElement(using: &rng)!)
                """)
        }

        /// One random change of any kind the issue names.
        func change() async throws {
            let audit = audits.randomElement(using: &rng)!
            switch int(0...9) {
            case 0: try await addAudit()
            case 1: try await write("UPDATE audits SET score = \(decimal())::numeric, critical_failure = \(chance(30)) WHERE id = \(audit)::uuid")
            case 2:
                try await write("DELETE FROM audits WHERE id = \(audit)::uuid")
                audits.removeAll { $0 == audit }
            case 3:
                try await write("UPDATE audits SET state = CASE state WHEN 'released' THEN 'disputed' ELSE 'released' END WHERE id = \(audit)::uuid")
            case 4:
                // Moved to another outlet and staff member, or out of the period and back.
                try await write(
                    """
                    UPDATE audits SET outlet_id = (SELECT id FROM outlets WHERE code = \(outlets.randomElement(using: &rng)!)),
                                      served_by = (SELECT id FROM staff WHERE employee_no = \(staff.randomElement(using: &rng)!)),
                                      visited_at = \(chance(30) ? instant().addingTimeInterval(40 * 86_400) : instant())::timestamptz
                    WHERE id = \(audit)::uuid
                    """)
            case 5: try await importSurveys(count: int(1...6))
            case 6: try await write("DELETE FROM survey_responses WHERE response_id = \("R\(int(0...(responses - 1)))")")
            case 7: try await importComplaints(count: int(1...4))
            case 8: try await addAction()
            default: asOf = asOf.addingTimeInterval(Double(int(0...(3 * 86_400))))
            }
        }

        /// Every third staff member moves three outlets on (from 北区 to 南区 or back): on
        /// 2026-09-15, so both regions count them in the period, or on 2026-08-21, before it, so
        /// only the new one does. S001 joins after the period: no region counts them.
        /// - Returns: the employee numbers of those moved during the period and before it.
        func moveStaff() async throws -> (inPeriod: [String], before: [String]) {
            var (inPeriod, before): ([String], [String]) = ([], [])
            for (index, employee) in staff.enumerated() where index % 3 == 0 {
                let end = index % 2 == 0 ? "2026-09-14" : "2026-08-20"
                if index % 2 == 0 { inPeriod.append(employee) } else { before.append(employee) }
                try await write(
                    "UPDATE assignments SET end_date = \(end)::date WHERE staff_id = (SELECT id FROM staff WHERE employee_no = \(employee))")
                try await write(
                    """
                    INSERT INTO assignments (tenant_id, staff_id, start_date, end_date, role, outlet_id, target_bonus)
                    SELECT app_current_tenant(), s.id, \(end)::date + 1, NULL, 'advisor', o.id, 1000
                    FROM staff s, outlets o WHERE s.employee_no = \(employee) AND o.code = \(outlets[(index + 3) % outlets.count])
                    """)
            }
            try await write("UPDATE assignments SET start_date = '2026-10-05' WHERE staff_id = (SELECT id FROM staff WHERE employee_no = 'S001')")
            return (inPeriod, before)
        }

        func run(full: Bool = false, runner: BatchRunner = .withPayouts, period: String = IncrementalBatchTests.period) async throws -> BatchJob {
            try await runner.run(tenant: tenant, period: Period(period)!, asOf: asOf, full: full, startedBy: "test", database: database)
        }

        /// A full run of a period with no stored results and payouts (deleted first): every row inserted.
        func fromScratch() async throws -> BatchJob {
            try await write("DELETE FROM kpi_results WHERE period = \(IncrementalBatchTests.period)")
            try await write("DELETE FROM payouts WHERE period = \(IncrementalBatchTests.period)")
            return try await run(full: true)
        }

        /// The period's red outlet KPIs, and how many of them have no action.
        func redOutletKPIs() async throws -> (red: Int, unopened: Int) {
            try await database.tenantTransaction(tenant, readOnly: true) { conn in
                try conn.queryFirst(
                    """
                    SELECT count(*), count(*) FILTER (WHERE NOT EXISTS (
                               SELECT 1 FROM actions x WHERE x.source = 'kpi' AND x.outlet_id = o.id AND x.kpi_code = k.kpi_code
                                                       AND x.period = k.period))
                    FROM kpi_results k JOIN outlets o ON o.code = k.subject
                    WHERE k.period = \(IncrementalBatchTests.period) AND k.level = 'outlet' AND k.status = 'red'
                    """)!.decode((Int, Int).self)
            }
        }

        /// The dirty rows of each period, as "period count", in period order.
        func dirtyCounts() async throws -> [String] {
            try await rows("SELECT period || ' ' || count(*) FROM batch_dirty GROUP BY period ORDER BY period")
        }

        /// The first column of `query`'s rows, as text.
        func rows(_ query: Query) async throws -> [String] {
            try await database.tenantTransaction(tenant, readOnly: true) { conn in
                try conn.query(query).map { try $0.decode(0, as: String.self) }
            }
        }

        /// The period's results and payouts, every column but the job (and the approval).
        func state() async throws -> [String] {
            try await database.tenantTransaction(tenant, readOnly: true) { conn in
                try conn.query(
                    """
                    SELECT (to_jsonb(r) - 'job_id')::text FROM kpi_results r WHERE period = \(IncrementalBatchTests.period)
                    ORDER BY level, subject, kpi_code
                    """
                ).map { try $0.decode(0, as: String.self) }
                    + conn.query(
                        """
                        SELECT (to_jsonb(p) - 'job_id' - 'approved_by' - 'approved_at')::text FROM payouts p
                        WHERE period = \(IncrementalBatchTests.period) ORDER BY employee_no, plan_code, adjusts_period
                        """
                    ).map { try $0.decode(0, as: String.self) }
            }
        }
    }

    /// The first row that differs (incremental ≠ full), or nil when both are the same.
    static func difference(_ rerun: [String], _ full: [String]) -> String? {
        if let (a, b) = zip(rerun, full).first(where: { $0 != $1 }) { return "\(a) ≠ \(b)" }
        return rerun.count == full.count ? nil : "\(rerun.count) rows ≠ \(full.count) rows"
    }

    @Test(arguments: [20_261_203 as UInt64, 7, 42])
    func incrementalRerunEqualsAFullRun(seed: UInt64) async throws {
        let chain = try await Chain(seed: seed)
        let first = try await chain.run()
        #expect(first.inputs?.recomputed == nil)
        var incremental = 0
        var redSeen = 0
        for round in 0..<6 {
            // Two incremental runs in a row, each after a few changes, then the full run to compare with.
            for _ in 0..<2 {
                for _ in 0..<chain.int(1...4) { try await chain.change() }
                let job = try await chain.run()
                if job.inputs?.recomputed != nil { incremental += 1 }
            }
            let rerun = try await chain.state()
            // The reruns opened an action for every outlet KPI that turned red, as a full run would.
            let (red, unopened) = try await chain.redOutletKPIs()
            #expect(unopened == 0, "round \(round): \(unopened) of \(red) red outlet KPIs without their action")
            redSeen += red
            let full = try await chain.fromScratch()
            #expect(full.inputs?.recomputed == nil)
            #expect(Self.difference(rerun, try await chain.state()) == nil, "round \(round)")
            // Then a full run over the stored results writes what changed: the same as from scratch.
            for _ in 0..<chain.int(1...4) { try await chain.change() }
            #expect(try await chain.run(full: true).inputs?.recomputed == nil)
            let rewritten = try await chain.state()
            _ = try await chain.fromScratch()
            #expect(Self.difference(rewritten, try await chain.state()) == nil, "round \(round), full over stored")
        }
        #expect(incremental == 12)
        #expect(redSeen > 0)
        // The chain has every kind of row being compared.
        let rows = try await chain.state()
        #expect(rows.contains { $0.contains("\"level\": \"region\"") && $0.contains("\"kpi_code\": \"P50\"") })
        #expect(rows.contains { $0.contains("\"kpi_code\": \"OVR\"") })
        #expect(rows.contains { $0.contains("\"explanation\"") })
    }

    /// A statement of more than `app.batch_bulk_rows` survey responses or complaints (an import)
    /// dirties its month and quarter whole (sql/0420): the next run is full, with the results of a
    /// run from scratch. A smaller statement still dirties its subjects, and the next run is incremental.
    @Test func aBulkStatementMakesTheNextRunFull() async throws {
        let chain = try await Chain(seed: 3)
        _ = try await chain.run()
        let statements: [Query] = [
            """
            INSERT INTO survey_responses (tenant_id, response_id, outlet_id, responded_at, sat)
            SELECT app_current_tenant(), 'B' || code, id, '2026-09-10T00:00:00Z', 5 FROM outlets ORDER BY code LIMIT 3
            """,
            "UPDATE survey_responses SET sat = 6 - sat WHERE response_id IN ('R1', 'R2', 'R3')",
            """
            DELETE FROM complaints WHERE complaint_id IN (
                SELECT complaint_id FROM complaints c WHERE NOT EXISTS (SELECT 1 FROM actions x WHERE x.complaint_id = c.complaint_id)
                ORDER BY complaint_id LIMIT 3)
            """,
        ]
        for statement in statements {
            try await chain.database.tenantTransaction(chain.tenant) { conn in
                try conn.execute("SET LOCAL app.batch_bulk_rows = '2'")
                try conn.execute(statement)
            }
            #expect(try await chain.rows("SELECT period FROM batch_dirty WHERE outlet_id IS NULL ORDER BY period") == ["2026-09", "2026-Q3"])
            #expect(try await chain.run().inputs?.recomputed == nil, "\(statement)")
            let rerun = try await chain.state()
            _ = try await chain.fromScratch()
            #expect(Self.difference(rerun, try await chain.state()) == nil, "\(statement)")
        }
        try await chain.write("UPDATE survey_responses SET sat = 6 - sat WHERE response_id IN ('R4', 'R5', 'R6')")
        #expect(try await chain.rows("SELECT count(*)::text FROM batch_dirty WHERE outlet_id IS NULL") == ["0"])
        #expect(try await chain.rows("SELECT count(*)::text FROM batch_dirty") != ["0"])
        #expect(try await chain.run().inputs?.recomputed != nil)
    }

    /// A sum's scale is the largest of its terms': when the one audit with three decimals is
    /// rescored with one, the sums of its outlet, regions and tenant lose the two decimals, as in
    /// a full run, though a rerun adds to the stored sums rather than summing every outlet again.
    @Test func aSumLosesTheScaleOfTheCellTakenOut() async throws {
        let chain = try await Chain(seed: 11)
        let audit = chain.audits[0]
        try await chain.write("UPDATE audits SET score = 50.5")
        try await chain.write("UPDATE audits SET score = 10.125, state = 'released' WHERE id = \(audit)::uuid")
        _ = try await chain.run()
        let tenantDecimals: Query = """
            SELECT scale(num)::text FROM kpi_results WHERE period = \(Self.period) AND level = 'tenant' AND kpi_code = 'MS'
            """
        #expect(try await chain.rows(tenantDecimals) == ["3"])
        try await chain.write("UPDATE audits SET score = 10.5 WHERE id = \(audit)::uuid")
        #expect(try await chain.run().inputs?.recomputed != nil)
        let rerun = try await chain.state()
        #expect(try await chain.rows(tenantDecimals) == ["1"])
        _ = try await chain.fromScratch()
        #expect(Self.difference(rerun, try await chain.state()) == nil)
    }

    /// A full rerun places again only the leagues with a changed row, and those with rows that have
    /// no place (results written before places were kept, sql/0310): after it they are placed as
    /// a run from scratch places them.
    @Test func aFullRerunPlacesTheRowsWithoutAPlace() async throws {
        let chain = try await Chain(seed: 5)
        _ = try await chain.run()
        try await chain.write(
            "UPDATE kpi_results SET league_rank = NULL, league_position = NULL WHERE period = \(Self.period) AND kpi_code = 'MS'")
        #expect(try await chain.run(full: true).inputs?.recomputed == nil)
        let rerun = try await chain.state()
        _ = try await chain.fromScratch()
        #expect(Self.difference(rerun, try await chain.state()) == nil)
        #expect(try await chain.rows("SELECT count(*)::text FROM kpi_results WHERE kpi_code = 'MS' AND league_position IS NOT NULL") != ["0"])
    }

    @Test func changedInputsFallBackToTheFullRun() async throws {
        let chain = try await Chain(seed: 3)
        #expect(try await chain.run().inputs?.recomputed == nil)
        // Nothing changed: nothing recomputed, nothing written.
        let quiet = try await chain.run()
        #expect(quiet.inputs?.recomputed == BatchInputs.Recomputed(outlets: 0, staff: 0))
        #expect(quiet.kpiRows == 0)

        try await BatchFixtures.defineKPIs(
            chain.database, chain.tenant, IncrementalBatchTests.kpisJSON.replacingOccurrences(of: "\"threshold\": 70", with: "\"threshold\": 71"))
        #expect(try await chain.run().inputs?.recomputed == nil)
        #expect(try await chain.run().inputs?.recomputed != nil)

        _ = try await PlanQueries.add(
            tenant: chain.tenant, json: Data(IncrementalBatchTests.planJSON.replacingOccurrences(of: "1500.00", with: "1600.00").utf8),
            database: chain.database)
        #expect(try await chain.run().inputs?.recomputed == nil)

        try await BatchFixtures.importCSVText(
            chain.database, chain.tenant, .outlets, "code,name,type,region_path,opened_on,closed_on,city\nX99,新店,store,南区,,,\n")
        #expect(try await chain.run().inputs?.recomputed == nil)

        try await BatchFixtures.importCSVText(
            chain.database, chain.tenant, .staff,
            "employee_no,name,role,outlet_code,start_date,end_date,target_bonus\nS999,新人,advisor,X99,2026-09-15,,1000\n")
        #expect(try await chain.run().inputs?.recomputed == nil)

        try await chain.write("UPDATE tenants SET sla_high_hours = 12")
        #expect(try await chain.run().inputs?.recomputed == nil)

        // An audit changed: incremental again, and forced full with --full.
        try await chain.addAudit()
        #expect(try await chain.run(full: true).inputs?.recomputed == nil)
        #expect(try await chain.run().inputs?.recomputed == BatchInputs.Recomputed(outlets: 0, staff: 0))

        // Closing the period drops what changed in it since.
        try await chain.write("UPDATE audits SET score = 50 WHERE state = 'released'")
        let dirty = { () async throws -> Int in
            try await chain.database.tenantTransaction(chain.tenant, readOnly: true) { conn in
                try conn.queryFirst("SELECT count(*) FROM batch_dirty WHERE period = \(IncrementalBatchTests.period)")!.decode(0, as: Int.self)
            }
        }
        #expect(try await dirty() > 0)
        _ = try await PayoutQueries.approve(tenant: chain.tenant, period: Period(Self.period)!, by: .person("hq"), database: chain.database)
        _ = try await PeriodQueries.close(tenant: chain.tenant, period: Period(Self.period)!, actor: "hq", database: chain.database)
        #expect(try await dirty() == 0)
    }

    /// A change dirties its month and its quarter; a tenant that runs only months would keep the
    /// quarter's rows for ever. A run drops those of every period that no run could read them for.
    @Test func dirtyRowsOfAPeriodNeverRunAreDropped() async throws {
        let chain = try await Chain(seed: 13)
        #expect(try await chain.dirtyCounts().map { $0.split(separator: " ")[0] } == ["2026-09", "2026-Q3"])
        _ = try await chain.run()
        #expect(try await chain.dirtyCounts() == [])

        // Once the quarter has run, its rows wait for its next run.
        _ = try await chain.run(period: "2026-Q3")
        try await chain.write("UPDATE audits SET score = 40 WHERE state = 'released'")
        _ = try await chain.run()
        #expect(try await chain.dirtyCounts().map { $0.split(separator: " ")[0] } == ["2026-Q3"])
        #expect(try await chain.run(period: "2026-Q3").inputs?.recomputed != nil)
        #expect(try await chain.dirtyCounts() == [])
    }

    /// The previous run computed no payouts (KPIs only): the rerun pays everyone.
    @Test func aRerunAfterARunWithoutPayoutsPaysEveryone() async throws {
        let chain = try await Chain(seed: 5)
        _ = try await chain.run(runner: BatchRunner())
        let rerun = try await chain.run()
        #expect(rerun.inputs?.recomputed == BatchInputs.Recomputed(outlets: 0, staff: 0))
        let state = try await chain.state()
        let full = try await chain.run(full: true)
        // The rerun wrote everyone's payouts; the full run found nothing to change.
        #expect(rerun.payoutRows ?? 0 > 0 && full.payoutRows == 0)
        #expect(Self.difference(state, try await chain.state()) == nil)
    }

    @Test func aWriteDuringARerunIsTakenByTheNext() async throws {
        let chain = try await Chain(seed: 11)
        _ = try await chain.run()
        try await chain.importSurveys(count: 3)
        let gate = Gate()
        let held = Task { try await chain.run(runner: BatchRunner(afterKPIs: BatchRunner.withPayouts.afterKPIs + [gate.step])) }
        try #require(await gate.waitReached())
        // Committed while the rerun holds its transaction open, after it took the dirty rows.
        try await chain.write(
            """
            INSERT INTO survey_responses (tenant_id, response_id, outlet_id, staff_id, responded_at, channel, sat, nps)
            SELECT app_current_tenant(), 'late-1', o.id, s.id, '2026-09-12T10:00:00Z', 'phone', 1, 0
            FROM outlets o, staff s WHERE o.code = 'X03' AND s.employee_no = 'S007'
            """)
        gate.release.signal()
        #expect(try await held.value.inputs?.recomputed != nil)
        let kept = try await chain.database.tenantTransaction(chain.tenant, readOnly: true) { conn in
            try conn.query(
                "SELECT o.code, s.employee_no FROM batch_dirty d JOIN outlets o ON o.id = d.outlet_id JOIN staff s ON s.id = d.staff_id WHERE d.period = '2026-09'"
            )
            .map { try "\($0.decode(0, as: String.self))/\($0.decode(1, as: String.self))" }
        }
        #expect(kept == ["X03/S007"])

        let next = try await chain.run()
        #expect(next.inputs?.recomputed == BatchInputs.Recomputed(outlets: 1, staff: 1))
        let rerun = try await chain.state()
        _ = try await chain.run(full: true)
        #expect(Self.difference(rerun, try await chain.state()) == nil)
    }
}
