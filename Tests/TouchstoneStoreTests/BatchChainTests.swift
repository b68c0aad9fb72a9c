import Foundation
import PQ
import Testing
import TouchstoneCore
import TouchstoneStore
import TouchstoneTestSupport

/// The batch on a small random chain, every kpi_results row against an independent
/// calculation in Swift (Core's reference metrics over the events, grouped here).
@Suite struct BatchChainTests {
    /// SplitMix64: a small deterministic generator.
    struct SeededRandom: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    struct Survey {
        var outlet: String
        var staff: String?
        var at: Date
        var sat: Int
        var nps: Int?
    }
    struct ComplaintEvent {
        var outlet: String
        var staff: String?
        var complaint: Complaint
    }
    typealias Audit = BatchFixtures.StoredAudit

    static let paths = ["北区/京津/北京", "北区/京津/天津", "北区/河北", "南区/广东/深圳/南山", "南区/广东/广州", "南区"]
    static let kpisJSON = """
        [{"code": "MS", "metric": "audit.score", "template": "T1", "direction": "higher", "threshold": 70, "target": 85},
         {"code": "SEC", "metric": "audit.section:S1", "template": "T1", "direction": "higher", "threshold": 60, "target": 80, "minSample": 2},
         {"code": "DIM", "metric": "audit.dimension:empathy", "template": "T1", "direction": "higher", "threshold": 50, "target": 75},
         {"code": "CRIT", "metric": "audit.critical_failures", "template": "T1", "direction": "lower", "threshold": 1, "target": 0},
         {"code": "CSAT", "metric": "survey.top2box", "direction": "higher", "threshold": 60, "target": 75, "minSample": 5},
         {"code": "MEAN", "metric": "survey.mean", "direction": "higher", "threshold": 3.2, "target": 3.8},
         {"code": "NPS", "metric": "survey.nps", "direction": "higher", "threshold": 0, "target": 20, "minSample": 3},
         {"code": "CNT", "metric": "complaint.count", "direction": "lower", "threshold": 4, "target": 2},
         {"code": "SLA", "metric": "complaint.sla_rate", "direction": "higher", "threshold": 50, "target": 70, "minSample": 2},
         {"code": "P50", "metric": "complaint.first_response_p50", "direction": "lower", "threshold": 900, "target": 300}]
        """

    @Test func everyRowEqualsAnIndependentCalculation() async throws {
        var rng = SeededRandom(state: 20_260_930)
        let (database, tenant) = try await TestDatabase.make()
        let zones = ["Asia/Shanghai", "UTC", "America/New_York"].map { TimeZone(identifier: $0)! }
        let windowStart = BatchFixtures.instant("2026-08-28T00:00:00Z").timeIntervalSince1970
        func randomInstant() -> Date {
            Date(timeIntervalSince1970: (windowStart + Double(Int.random(in: 0...(37 * 86_400), using: &rng))))
        }
        func text(_ date: Date) -> String { Instant.format(date, in: zones.randomElement(using: &rng)!) }

        // Org tree, outlets, staff.
        let outlets = (0..<14).map { (code: String(format: "X%02d", $0), path: Self.paths[$0 % Self.paths.count]) }
        let outletPath = Dictionary(uniqueKeysWithValues: outlets.map { ($0.code, $0.path) })
        let staff = (0..<40).map { (no: String(format: "S%03d", $0), outlet: outlets[$0 % outlets.count].code) }
        try await BatchFixtures.importCSVText(
            database, tenant, .outlets,
            "code,name,type,region_path,opened_on,closed_on,city\n" + outlets.map { "\($0.code),店\($0.code),store,\($0.path),,,\n" }.joined())
        try await BatchFixtures.importCSVText(
            database, tenant, .staff,
            "employee_no,name,role,outlet_code,start_date,end_date,target_bonus\n"
                + staff.map { "\($0.no),员工\($0.no),advisor,\($0.outlet),2026-01-01,,1000\n" }.joined())

        // Surveys.
        var surveys: [Survey] = []
        var csv = "response_id,outlet_code,employee_no,responded_at,channel,sat,nps\n"
        for i in 0..<700 {
            let outlet = outlets.randomElement(using: &rng)!.code
            let person = Int.random(in: 0..<10, using: &rng) < 6 ? staff.randomElement(using: &rng)!.no : nil
            let at = randomInstant()
            let sat = Int.random(in: 1...5, using: &rng)
            let nps = Int.random(in: 0..<10, using: &rng) < 7 ? Int.random(in: 0...10, using: &rng) : nil
            surveys.append(Survey(outlet: outlet, staff: person, at: at, sat: sat, nps: nps))
            csv += "R\(i),\(outlet),\(person ?? ""),\(text(at)),phone,\(sat),\(nps.map(String.init) ?? "")\n"
        }
        try await BatchFixtures.importCSVText(database, tenant, .surveys, csv)

        // Complaints.
        var complaints: [ComplaintEvent] = []
        csv = "complaint_id,outlet_code,employee_no,severity,opened_at,first_response_at,resolved_at\n"
        for i in 0..<150 {
            let outlet = outlets.randomElement(using: &rng)!.code
            let person = Int.random(in: 0..<2, using: &rng) == 0 ? staff.randomElement(using: &rng)!.no : nil
            let severity = Severity.allCases.randomElement(using: &rng)!
            let opened = randomInstant()
            let first = Int.random(in: 0..<10, using: &rng) < 7 ? opened.addingTimeInterval(Double(Int.random(in: 0...180_000, using: &rng))) : nil
            let resolved =
                Int.random(in: 0..<10, using: &rng) < 7 ? opened.addingTimeInterval(Double(Int.random(in: 3_600...100 * 3_600, using: &rng))) : nil
            complaints.append(
                ComplaintEvent(
                    outlet: outlet, staff: person,
                    complaint: Complaint(severity: severity, openedAt: opened, firstResponseAt: first, resolvedAt: resolved)))
            csv += "C\(i),\(outlet),\(person ?? ""),\(severity.rawValue),\(text(opened)),\(first.map(text) ?? ""),\(resolved.map(text) ?? "")\n"
        }
        try await BatchFixtures.importCSVText(database, tenant, .complaints, csv)

        // Audits of two templates (T1 in two versions), in every state.
        for (code, version) in [("T1", 1), ("T1", 2), ("T2", 1)] {
            try await BatchFixtures.insertTemplate(database, tenant, code: code, version: version)
        }
        func randomScore() -> Decimal {
            let whole = Int.random(in: 0...99, using: &rng)
            let fraction = (0..<20).map { _ in String(Int.random(in: 0...9, using: &rng)) }.joined()
            return Decimal(string: "\(whole).\(fraction)")!
        }
        var audits: [Audit] = []
        for _ in 0..<80 {
            let template = Int.random(in: 0..<4, using: &rng) == 0 ? ("T2", 1) : ("T1", Int.random(in: 1...2, using: &rng))
            var audit = Audit(
                template: template.0, version: template.1, outlet: outlets.randomElement(using: &rng)!.code, visitedAt: randomInstant(),
                servedBy: Int.random(in: 0..<10, using: &rng) < 7 ? staff.randomElement(using: &rng)!.no : nil,
                state: ["submitted", "returned", "released", "released", "disputed", "final", "final", "rejected"].randomElement(using: &rng)!,
                score: Int.random(in: 0..<10, using: &rng) == 0 ? nil : randomScore(),
                criticalFailure: Int.random(in: 0..<5, using: &rng) == 0)
            if Int.random(in: 0..<5, using: &rng) > 0 { audit.sections["S1"] = randomScore() }
            if Int.random(in: 0..<2, using: &rng) > 0 { audit.sections["S2"] = randomScore() }
            if Int.random(in: 0..<2, using: &rng) > 0 { audit.dimensions["empathy"] = randomScore() }
            if Int.random(in: 0..<2, using: &rng) > 0 { audit.dimensions["tangibles"] = randomScore() }
            audits.append(audit)
            try await BatchFixtures.insertAudit(database, tenant, audit)
        }
        try await BatchFixtures.defineKPIs(database, tenant, Self.kpisJSON)
        let kpis = try KPIDefinition.parseList(json: Data(Self.kpisJSON.utf8))

        let period = Period("2026-09")!
        let asOf = BatchFixtures.instant("2026-10-01T12:00:00+08:00")
        let job = try await BatchRunner().run(tenant: tenant, period: period, asOf: asOf, startedBy: "test", database: database)

        // The independent calculation.
        let zone = tenant.timeZone
        func subjects(outlet: String, staff: String?) -> [String] {
            let parts = outletPath[outlet]!.split(separator: "/")
            let regions = (1...parts.count).map { "region|" + parts.prefix($0).joined(separator: "/") }
            return ["tenant|acme", "outlet|" + outlet] + regions + (staff.map { ["staff|" + $0] } ?? [])
        }
        func grouped<T>(_ events: [T], outlet: (T) -> String, staff: (T) -> String?) -> [String: [T]] {
            var groups: [String: [T]] = [:]
            for e in events { for s in subjects(outlet: outlet(e), staff: staff(e)) { groups[s, default: []].append(e) } }
            return groups
        }
        let periodSurveys = grouped(surveys.filter { period.contains($0.at, in: zone) }, outlet: \.outlet, staff: \.staff)
        let periodComplaints = grouped(complaints.filter { period.contains($0.complaint.openedAt, in: zone) }, outlet: \.outlet, staff: \.staff)
        let counted = audits.filter { $0.template == "T1" && ["released", "final"].contains($0.state) && period.contains($0.visitedAt, in: zone) }
        let periodAudits = grouped(counted, outlet: \.outlet, staff: \.servedBy)

        var expected: [String: KPIValue] = [:]
        for kpi in kpis {
            let values: [String: MetricValue?]
            switch kpi.metric.source {
            case "survey":
                values = periodSurveys.mapValues { SurveyMetrics.value(kpi.metric, responses: $0.map { SurveyResponse(sat: $0.sat, nps: $0.nps) }) }
            case "complaint":
                values = periodComplaints.mapValues {
                    ComplaintMetrics.value(kpi.metric, complaints: $0.map(\.complaint), policy: tenant.sla, asOf: asOf)
                }
            default:
                values = periodAudits.mapValues { group in
                    switch kpi.metric {
                    case .auditScore: return AuditMetrics.mean(group.map(\.score))
                    case .auditSection(let code): return AuditMetrics.mean(group.map { $0.sections[code] })
                    case .auditDimension(let d): return AuditMetrics.mean(group.map { $0.dimensions[d.rawValue] })
                    default: return MetricValue(value: Decimal(group.filter(\.criticalFailure).count), n: group.count)
                    }
                }
            }
            for case let (subject, value?) in values {
                expected[subject + "|" + kpi.code] = KPIValue(value: value.value, n: value.n, definition: kpi)
            }
        }

        let actual = try await database.tenantTransaction(tenant) { conn in
            try Dictionary(
                uniqueKeysWithValues: conn.query(
                    """
                    SELECT level || '|' || subject || '|' || kpi_code, round(value, 20), n, status FROM kpi_results
                    WHERE period = '2026-09' AND job_id = \(job.id)
                    """
                ).map { row in
                    (
                        try row.decode(0, as: String.self),
                        KPIValue(
                            value: try row.decode(1, as: Decimal.self), n: try row.decode(2, as: Int.self),
                            status: KPIStatus(rawValue: try row.decode(3, as: String.self))!)
                    )
                })
        }
        #expect(expected.count > 400)
        #expect(Set(actual.keys) == Set(expected.keys))
        var mismatches: [String] = []
        for (key, want) in expected {
            guard let got = actual[key] else { continue }
            if got.n != want.n || got.status != want.status || abs(got.value - want.value) > Decimal(string: "1e-12")! {
                mismatches.append("\(key): got \(got) want \(want)")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
        #expect(job.kpiRows == expected.count)
        #expect(job.inputs?.audits == counted.count)
        #expect(job.inputs?.responses == surveys.filter { period.contains($0.at, in: zone) }.count)
        // Every level and every metric is exercised.
        for level in KPILevel.allCases { #expect(expected.keys.contains { $0.hasPrefix(level.rawValue + "|") }) }
        for kpi in kpis { #expect(expected.keys.contains { $0.hasSuffix("|" + kpi.code) }) }
        for status in KPIStatus.allCases { #expect(expected.values.contains { $0.status == status }) }
    }
}
