import Foundation
import PQ
import Testing
import TouchstoneCore
import TouchstoneStore
import TouchstoneTestSupport

/// The monthly batch on the spec samples, against hand calculations from rules.md.
@Suite struct BatchTests {
    /// Complaint KPIs beside the sample ones (kpis.json has none).
    static let complaintKPIs = """
        [{"code": "SLA", "metric": "complaint.sla_rate", "direction": "higher", "threshold": 80, "target": 95},
         {"code": "P50", "metric": "complaint.first_response_p50", "direction": "lower", "threshold": 120, "target": 60},
         {"code": "CNT", "metric": "complaint.count", "direction": "lower", "threshold": 5, "target": 2}]
        """

    @Test func samplesExportEqualsTheHandCalculation() async throws {
        let (database, tenant) = try await TestDatabase.make()
        try await BatchFixtures.loadSamples(database, tenant)
        let job = try await BatchFixtures.run(database, tenant, "2026-09")
        #expect(job.state == .succeeded)
        // No complaint KPI: complaints are not read.
        #expect(job.inputs == BatchInputs(audits: 1, responses: 3, complaints: 0, kpis: ["CRIT", "CSAT", "MS"]))
        // MS: the one audit, 61.979166…, red (< 70). CRIT: no critical failure, 0 <= target 0: green.
        // CSAT: R1 (5), R2 (4), R3 (2) in September; R4 (2026-09-30T16:30Z) is 10-01 00:30 in Shanghai.
        // Every CSAT is insufficient (minSample 5). Paths sort by code point: 徐 (U+5F90) < 浦 (U+6D66).
        let expected = """
            period,level,subject,kpi,value,n,status
            2026-09,tenant,acme,CRIT,0.00,1,green
            2026-09,tenant,acme,CSAT,66.67,3,insufficient
            2026-09,tenant,acme,MS,61.98,1,red
            2026-09,region,华东,CRIT,0.00,1,green
            2026-09,region,华东,CSAT,66.67,3,insufficient
            2026-09,region,华东,MS,61.98,1,red
            2026-09,region,华东/上海,CRIT,0.00,1,green
            2026-09,region,华东/上海,CSAT,66.67,3,insufficient
            2026-09,region,华东/上海,MS,61.98,1,red
            2026-09,region,华东/上海/徐汇,CSAT,0.00,1,insufficient
            2026-09,region,华东/上海/浦东,CRIT,0.00,1,green
            2026-09,region,华东/上海/浦东,CSAT,100.00,2,insufficient
            2026-09,region,华东/上海/浦东,MS,61.98,1,red
            2026-09,outlet,O1,CRIT,0.00,1,green
            2026-09,outlet,O1,CSAT,100.00,2,insufficient
            2026-09,outlet,O1,MS,61.98,1,red
            2026-09,outlet,O2,CSAT,0.00,1,insufficient
            2026-09,staff,E7,CRIT,0.00,1,green
            2026-09,staff,E7,CSAT,0.00,1,insufficient
            2026-09,staff,E7,MS,61.98,1,red
            2026-09,staff,E8,CSAT,100.00,1,insufficient

            """
        #expect(try await BatchFixtures.export(database, tenant, "2026-09") == expected)
        #expect(job.kpiRows == 21)

        // The stored value is unrounded.
        let ms = try await KPIResultQueries.trend(
            tenant: tenant, level: .outlet, subject: "O1", kpi: "MS",
            through: Period("2026-09")!, count: 1, database: database)
        let value = try #require(ms.first?.value?.value)
        #expect(abs(value - Decimal(string: "61.979166666666666666666666666666666667")!) < Decimal(string: "1e-20")!)

        // October: R4 alone.
        _ = try await BatchFixtures.run(database, tenant, "2026-10")
        #expect(
            try await BatchFixtures.export(database, tenant, "2026-10", level: .outlet) == """
                period,level,subject,kpi,value,n,status
                2026-10,outlet,O2,CSAT,100.00,1,insufficient

                """)
    }

    @Test func complaintSLADependsOnAsOfAroundTheDeadline() async throws {
        let (database, tenant) = try await TestDatabase.make()
        try await BatchFixtures.loadSamples(database, tenant)
        try await BatchFixtures.defineKPIs(database, tenant, Self.complaintKPIs)
        // C2 (medium, 48 h) opened 2026-09-12T14:00+08:00, unresolved: deadline 2026-09-14T06:00Z.
        _ = try await BatchFixtures.run(database, tenant, "2026-09", asOf: "2026-09-14T05:59:59Z")
        let before = try await BatchFixtures.export(database, tenant, "2026-09")
        #expect(before.contains("2026-09,tenant,acme,SLA,100.00,1,green\n"))
        #expect(!before.contains("outlet,O2,SLA"))
        #expect(before.contains("2026-09,outlet,O1,SLA,100.00,1,green\n"))
        // First response: C1 40 min, C2 1200 min; even count → mean of the two = 620.
        #expect(before.contains("2026-09,tenant,acme,P50,620.00,2,red\n"))
        #expect(before.contains("2026-09,outlet,O1,P50,40.00,1,green\n"))
        #expect(before.contains("2026-09,outlet,O2,P50,1200.00,1,red\n"))
        #expect(before.contains("2026-09,staff,E8,P50,40.00,1,green\n"))
        #expect(before.contains("2026-09,tenant,acme,CNT,2.00,2,green\n"))
        #expect(before.contains("2026-09,region,华东/上海/徐汇,CNT,1.00,1,green\n"))

        // At the deadline exactly C2 is decided (missed).
        _ = try await BatchFixtures.run(database, tenant, "2026-09", asOf: "2026-09-14T06:00:00Z")
        let after = try await BatchFixtures.export(database, tenant, "2026-09")
        #expect(after.contains("2026-09,tenant,acme,SLA,50.00,2,red\n"))
        #expect(after.contains("2026-09,outlet,O2,SLA,0.00,1,red\n"))
        #expect(after.contains("2026-09,region,华东/上海,SLA,50.00,2,red\n"))
        #expect(after.contains("2026-09,staff,E8,SLA,100.00,1,green\n"))
    }

    @Test func rerunReplacesAtomicallyWithIdenticalResults() async throws {
        let (database, tenant) = try await TestDatabase.make()
        try await BatchFixtures.loadSamples(database, tenant)
        let first = try await BatchFixtures.run(database, tenant, "2026-09")
        let firstExport = try await BatchFixtures.export(database, tenant, "2026-09")
        let second = try await BatchFixtures.run(database, tenant, "2026-09", full: true)
        #expect(second.id != first.id)
        #expect(second.inputs?.recomputed == nil)
        #expect(try await BatchFixtures.export(database, tenant, "2026-09") == firstExport)
        let jobIDs = try await database.tenantTransaction(tenant) { conn in
            try conn.query("SELECT DISTINCT job_id FROM kpi_results WHERE period = '2026-09'").map { try $0.decode(0, as: Int64.self) }
        }
        // Nothing changed: the full run recomputed every result and wrote none.
        #expect(second.kpiRows == 0)
        #expect(jobIDs == [first.id])

        // A third run that changes the results: while it holds its transaction open, readers see the old period whole.
        try await BatchFixtures.importCSVText(
            database, tenant, .surveys,
            """
            response_id,outlet_code,employee_no,responded_at,channel,sat,nps
            R9,O3,E9,2026-09-10T10:00:00+08:00,phone,5,10

            """)
        let gate = Gate()
        let run = Task { try await BatchFixtures.run(database, tenant, "2026-09", runner: BatchRunner(afterKPIs: [gate.step])) }
        try #require(await gate.waitReached())
        #expect(try await BatchFixtures.export(database, tenant, "2026-09") == firstExport)
        gate.release.signal()
        let third = try await run.value
        // Incremental: O3 and E9 recomputed; CSAT of O3, E9, 华东/浙江, 华东/浙江/杭州 appear, 华东's and acme's change.
        #expect(third.inputs?.recomputed == BatchInputs.Recomputed(outlets: 1, staff: 1))
        #expect(third.kpiRows == 4 + 2)
        let newExport = try await BatchFixtures.export(database, tenant, "2026-09")
        #expect(newExport.contains("2026-09,tenant,acme,CSAT,75.00,4,insufficient\n"))
        #expect(newExport.contains("2026-09,outlet,O3,CSAT,100.00,1,insufficient\n"))
    }

    @Test func aFullRunOverStoredResultsWritesOnlyWhatChanged() async throws {
        let (database, tenant) = try await TestDatabase.make()
        try await BatchFixtures.loadSamples(database, tenant)
        let first = try await BatchFixtures.run(database, tenant, "2026-09")
        let before = try await BatchFixtures.export(database, tenant, "2026-09")
        // MS's threshold and target move below its one score, 61.98 (a changed definition: the next run is full).
        let kpis = try String(contentsOf: BatchFixtures.sample("kpis.json"), encoding: .utf8)
        try await BatchFixtures.defineKPIs(
            database, tenant, kpis.replacingOccurrences(of: #""threshold": 70, "target": 85"#, with: #""threshold": 50, "target": 60"#))
        let second = try await BatchFixtures.run(database, tenant, "2026-09")
        #expect(second.inputs?.recomputed == nil)
        let after = try await BatchFixtures.export(database, tenant, "2026-09")
        let changed = Set(after.split(separator: "\n")).subtracting(before.split(separator: "\n"))
        #expect(!changed.isEmpty && changed.allSatisfy { $0.contains(",MS,61.98,1,green") })
        #expect(second.kpiRows == changed.count)
        let jobs = try await database.tenantTransaction(tenant, readOnly: true) { conn in
            try conn.query("SELECT job_id, count(*) FROM kpi_results WHERE period = '2026-09' GROUP BY job_id ORDER BY job_id")
                .map { try $0.decode((Int64, Int).self) }
        }
        #expect(jobs.map(\.0) == [first.id, second.id] && jobs[1].1 == changed.count)
        // The same results as a run from scratch.
        try await database.tenantTransaction(tenant) { conn in _ = try conn.execute("DELETE FROM kpi_results WHERE period = '2026-09'") }
        let scratch = try await BatchFixtures.run(database, tenant, "2026-09", full: true)
        #expect(scratch.kpiRows == first.kpiRows)
        #expect(try await BatchFixtures.export(database, tenant, "2026-09") == after)
    }

    @Test func concurrentRunsOneIsBusy() async throws {
        let (database, tenant) = try await TestDatabase.make()
        try await BatchFixtures.loadSamples(database, tenant)
        let gate = Gate()
        let first = Task { try await BatchFixtures.run(database, tenant, "2026-09", runner: BatchRunner(afterKPIs: [gate.step])) }
        try #require(await gate.waitReached())
        await #expect(throws: StoreError.busy("a batch for tenant acme is already running")) {
            try await BatchFixtures.run(database, tenant, "2026-10")
        }
        gate.release.signal()
        #expect(try await first.value.state == .succeeded)
        let jobs = try await BatchJobQueries.list(tenant: tenant, database: database)
        #expect(jobs.map(\.state) == [.failed, .succeeded])
        #expect(jobs.first?.error == "a batch for tenant acme is already running")
        #expect(jobs.first?.period == "2026-10")
    }

    @Test func closedPeriodIsRefusedAndLeavesAFailedJob() async throws {
        let (database, tenant) = try await TestDatabase.make()
        try await BatchFixtures.loadSamples(database, tenant)
        _ = try await BatchFixtures.run(database, tenant, "2026-09")
        let before = try await BatchFixtures.export(database, tenant, "2026-09")
        try await TestDatabase.asSuperuser(of: database.pool.configuration) { conn in
            _ = try conn.execute("UPDATE periods SET state = 'closed', closed_at = now(), closed_by = 'test' WHERE period = '2026-09'")
        }
        await #expect(throws: StoreError.periodClosed("period 2026-09 is closed: its results cannot change")) {
            try await BatchFixtures.run(database, tenant, "2026-09")
        }
        #expect(try await BatchFixtures.export(database, tenant, "2026-09") == before)
        let latest = try #require(try await BatchJobQueries.list(tenant: tenant, period: Period("2026-09"), database: database).first)
        #expect(latest.state == .failed)
        #expect(latest.finishedAt != nil)
        // The database refuses it too, whoever asks.
        await #expect(throws: StoreError.self) {
            try await database.tenantTransaction(tenant) { conn in
                try conn.execute("DELETE FROM kpi_results WHERE period = '2026-09'")
            }
        }
    }

    @Test func failingStepRollsBackEverything() async throws {
        struct Boom: Error {}
        let (database, tenant) = try await TestDatabase.make()
        try await BatchFixtures.loadSamples(database, tenant)
        await #expect(throws: Boom.self) {
            try await BatchFixtures.run(database, tenant, "2026-09", runner: BatchRunner(afterKPIs: [{ _, _ in throw Boom() }]))
        }
        #expect(try await BatchFixtures.export(database, tenant, "2026-09") == "period,level,subject,kpi,value,n,status\n")
        let job = try #require(try await BatchJobQueries.list(tenant: tenant, database: database).first)
        #expect(job.state == .failed)
        #expect(job.error?.contains("Boom") == true)
    }

    @Test func warningsAfterTwoPeriods() async throws {
        let (database, tenant) = try await TestDatabase.make()
        for kind in [ImportKind.outlets, .staff, .surveys] {
            _ = try await importCSV(kind, file: BatchFixtures.sample("\(kind.rawValue).csv"), tenant: tenant, database: database)
        }
        try await BatchFixtures.defineKPIs(
            database, tenant,
            """
            [{"code": "MEAN", "metric": "survey.mean", "direction": "higher", "threshold": 3, "target": 4}]
            """)
        // October besides R4 (O2, 5): E8 at O1 answers 2, an anonymous O1 customer 4.
        try await BatchFixtures.importCSVText(
            database, tenant, .surveys,
            """
            response_id,outlet_code,employee_no,responded_at,channel,sat,nps
            R5,O1,E8,2026-10-08T10:00:00+08:00,phone,2,
            R6,O1,,2026-10-09T10:00:00+08:00,phone,4,

            """)
        _ = try await BatchFixtures.run(database, tenant, "2026-09")
        _ = try await BatchFixtures.run(database, tenant, "2026-10")
        let warnings = try await WarningQueries.list(tenant: tenant, period: Period("2026-10")!, database: database)
        // September: O1 4.5 green, E8 5 green, O2 2 red, tenant 3.67 amber.
        // October: O1 3 amber (fell a band), E8 2 red (turned red), O2 5 green, tenant 3.67 amber (unchanged).
        #expect(
            warnings.map { "\($0.level.rawValue) \($0.subject) \($0.previous.status.rawValue)→\($0.current.status.rawValue)" } == [
                "region 华东/上海/浦东 green→amber",
                "outlet O1 green→amber",
                "staff E8 green→red",
            ])
        #expect(warnings.first?.previous.value == Decimal(string: "4.5"))
        #expect(warnings.first?.current.value == 3)
        #expect(warnings.allSatisfy { $0.kpi == "MEAN" && $0.previousPeriod == "2026-09" })
    }

    @Test func leagueTrendAndProfile() async throws {
        let (database, tenant) = try await TestDatabase.make()
        try await BatchFixtures.loadSamples(database, tenant)
        try await BatchFixtures.defineKPIs(
            database, tenant,
            """
            [{"code": "TAN", "metric": "audit.dimension:tangibles", "template": "demo-visit", "direction": "higher", "threshold": 70, "target": 85},
             {"code": "EMP", "metric": "audit.dimension:empathy", "template": "demo-visit", "direction": "higher", "threshold": 70, "target": 85},
             {"code": "SRV", "metric": "audit.section:SRV", "template": "demo-visit", "direction": "higher", "threshold": 70, "target": 85}]
            """)
        _ = try await BatchFixtures.run(database, tenant, "2026-09")
        _ = try await BatchFixtures.run(database, tenant, "2026-10")

        let league = try await KPIResultQueries.league(
            tenant: tenant, period: Period("2026-09")!, kpi: "CSAT", level: .outlet,
            within: "华东/上海", database: database)
        #expect(league.map(\.subject) == ["O1", "O2"])
        #expect(league.map(\.rank) == [nil, nil])  // both insufficient
        let october = try await KPIResultQueries.league(
            tenant: tenant, period: Period("2026-10")!, kpi: "CSAT", level: .outlet,
            within: "华东/上海/徐汇", database: database)
        #expect(october.map(\.subject) == ["O2"])
        #expect(october.first?.previous?.value == 0)

        let ms = try await KPIResultQueries.league(
            tenant: tenant, period: Period("2026-09")!, kpi: "MS", level: .staff,
            within: "华东", database: database)
        #expect(ms.map(\.subject) == ["E7"])
        #expect(ms.first?.rank == 1)
        #expect(ms.first?.name == "王芳")

        let trend = try await KPIResultQueries.trend(
            tenant: tenant, level: .outlet, subject: "O2", kpi: "CSAT",
            through: Period("2026-10")!, count: 3, database: database)
        #expect(trend.map(\.period) == ["2026-08", "2026-09", "2026-10"])
        #expect(trend.map { $0.value?.value } == [nil, 0, 100])

        let profile = try await KPIResultQueries.dimensionProfile(tenant: tenant, period: Period("2026-09")!, outlet: "O1", database: database)
        #expect(profile.map(\.kpi) == ["EMP", "TAN"])
        #expect(profile.map(\.outlet?.value) == [100, Decimal(string: "87.5")])
        #expect(profile.map(\.region?.value) == [100, Decimal(string: "87.5")])
        #expect(profile.first?.regionPath == "华东/上海/浦东")

        let section = try await BatchFixtures.export(database, tenant, "2026-09", level: .tenant)
        #expect(section.contains("2026-09,tenant,acme,SRV,46.67,1,red\n"))
        #expect(section.contains("2026-09,tenant,acme,TAN,87.50,1,green\n"))
    }

    @Test func kpiDefinitionsUpsertAndValidate() async throws {
        let (database, tenant) = try await TestDatabase.make()
        try await BatchFixtures.defineKPIs(
            database, tenant,
            """
            [{"code": "CSAT", "metric": "survey.top2box", "direction": "higher", "threshold": 80, "target": 90, "minSample": 5}]
            """)
        try await BatchFixtures.defineKPIs(
            database, tenant,
            """
            [{"code": "CSAT", "name": "满意率", "metric": "survey.top2box", "direction": "higher", "threshold": 85, "target": 92}]
            """)
        let csat = try await KPIDefinitionQueries.get(tenant: tenant, code: "CSAT", database: database)
        #expect(csat.name == "满意率")
        #expect(csat.threshold == 85)
        #expect(csat.minSample == 1)
        #expect(try await KPIDefinitionQueries.list(tenant: tenant, database: database).count == 1)
        await #expect(throws: StoreError.self) {
            try await BatchFixtures.defineKPIs(database, tenant, #"[{"code": "X", "metric": "audit.score", "direction": "up"}]"#)
        }
        await #expect(throws: StoreError.notFound("KPI NOPE")) {
            try await KPIDefinitionQueries.get(tenant: tenant, code: "NOPE", database: database)
        }
    }
}
