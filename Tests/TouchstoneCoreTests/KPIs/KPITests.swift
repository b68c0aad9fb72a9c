import Foundation
import Testing

@testable import TouchstoneCore

@Suite struct KPITests {
    static func sampleKPIs() throws -> [String: KPIDefinition] {
        let data = try Data(contentsOf: Fixtures.specDir.appendingPathComponent("kpis.json"))
        return Dictionary(uniqueKeysWithValues: try KPIDefinition.parseList(json: data).map { ($0.code, $0) })
    }

    @Test func parsesSampleKPIs() throws {
        let k = try Self.sampleKPIs()
        #expect(k["MS"]?.metric == .auditScore)
        #expect(k["MS"]?.template == "demo-visit")
        #expect(k["CSAT"]?.minSample == 5)
        #expect(k["CRIT"]?.direction == .lower)
        #expect(k["CRIT"]?.stretch == nil)
        #expect(k["CSAT"]?.stretch == 95)
    }

    @Test(arguments: [
        "audit.score", "audit.section:SRV", "audit.dimension:empathy", "audit.critical_failures",
        "survey.top2box", "survey.mean", "survey.nps", "complaint.count", "complaint.sla_rate",
        "complaint.first_response_p50",
    ])
    func metricRoundTrips(text: String) {
        #expect(Metric(text)?.description == text)
    }

    @Test(arguments: ["audit.section:", "audit.dimension:joy", "survey.median", "", "AUDIT.SCORE"])
    func unknownMetrics(text: String) {
        #expect(Metric(text) == nil)
    }

    @Test func parseListReportsEveryProblem() {
        let json = """
            [{"code":"A","metric":"audit.score","direction":"higher","threshold":90,"target":80},
             {"code":"A","metric":"survey.nps","direction":"lower","threshold":1,"target":2,"stretch":3},
             {"metric":"survey.bogus","direction":"up","threshold":"x"},
             {"code":"C","metric":"complaint.count","direction":"lower","threshold":5,"target":2,"stretch":0,"minSample":0}]
            """
        #expect(
            throws: ValidationFailure(problems: [
                Problem(path: "[0].template", message: "is required for audit metrics"),
                Problem(path: "[0].target", message: "direction higher needs threshold <= target (90 vs 80)"),
                Problem(path: "[1].code", message: "duplicate KPI code \"A\""),
                Problem(path: "[1].target", message: "direction lower needs threshold >= target (1 vs 2)"),
                Problem(path: "[1].stretch", message: "direction lower needs target >= stretch (2 vs 3)"),
                Problem(path: "[2].code", message: "is required"),
                Problem(path: "[2].metric", message: "unknown metric \"survey.bogus\""),
                Problem(path: "[2].direction", message: "unknown value \"up\" (expected one of: higher, lower)"),
                Problem(path: "[2].threshold", message: "expected a decimal number, got \"x\""),
                Problem(path: "[2].target", message: "is required"),
                Problem(path: "[3].minSample", message: "must be >= 1"),
            ])
        ) {
            try KPIDefinition.parseList(json: Data(json.utf8))
        }
    }

    static let higher = KPIDefinition(code: "H", metric: .surveyTop2Box, direction: .higher, threshold: 80, target: 90, minSample: 5)
    static let lower = KPIDefinition(code: "L", metric: .complaintCount, direction: .lower, threshold: 3, target: 1)

    @Test(arguments: [
        ("90", 5, KPIStatus.green), ("89.99", 5, .amber), ("80", 5, .amber), ("79.99", 9, .red), ("100", 4, .insufficient),
    ])
    func statusHigher(value: String, n: Int, expected: KPIStatus) {
        #expect(status(value: Fixtures.d(value), n: n, definition: Self.higher) == expected)
    }

    @Test(arguments: [
        ("1", 1, KPIStatus.green), ("0", 1, .green), ("2", 1, .amber), ("3", 1, .amber), ("4", 1, .red), ("0", 0, .insufficient),
    ])
    func statusLower(value: String, n: Int, expected: KPIStatus) {
        #expect(Self.lower.status(value: Fixtures.d(value), n: n) == expected)
    }
}

@Suite struct MetricTests {
    let t0 = Instant.parse("2026-09-05T09:00:00+08:00")!

    @Test func surveyMetrics() {
        // samples/surveys.csv: sat 5,4,2,5 and nps 10,8,3,9.
        let r = [SurveyResponse(sat: 5, nps: 10), SurveyResponse(sat: 4, nps: 8), SurveyResponse(sat: 2, nps: 3), SurveyResponse(sat: 5, nps: 9)]
        #expect(SurveyMetrics.top2box(r) == MetricValue(value: 75, n: 4))
        #expect(SurveyMetrics.mean(r) == MetricValue(value: 4, n: 4))
        #expect(SurveyMetrics.nps(r) == MetricValue(value: 25, n: 4))
        let partial = [SurveyResponse(sat: 3), SurveyResponse(sat: 5, nps: 6), SurveyResponse(sat: 1)]
        #expect(SurveyMetrics.top2box(partial)?.value.fixed(2) == "33.33")
        #expect(SurveyMetrics.mean(partial)?.value.fixed(2) == "3.00")
        #expect(SurveyMetrics.nps(partial) == MetricValue(value: -100, n: 1))
        #expect(SurveyMetrics.nps([SurveyResponse(sat: 3)]) == nil)
        #expect(SurveyMetrics.top2box([]) == nil)
    }

    func complaint(_ sev: Severity, openedPlusH: Double = 0, firstMin: Double? = nil, resolvedH: Double? = nil) -> Complaint {
        let o = t0.addingTimeInterval(openedPlusH * 3600)
        return Complaint(
            severity: sev, openedAt: o, firstResponseAt: firstMin.map { o.addingTimeInterval($0 * 60) },
            resolvedAt: resolvedH.map { o.addingTimeInterval($0 * 3600) })
    }

    @Test func slaRateAsOfRule() {
        let asOf = t0.addingTimeInterval(48 * 3600)
        let cs = [
            complaint(.high, resolvedH: 24),  // exactly at deadline: within
            complaint(.high, resolvedH: 24.01),  // late
            complaint(.high),  // deadline t0+24h <= asOf: decided, missed
            complaint(.medium),  // deadline t0+48h == asOf: decided, missed
            complaint(.low),  // deadline ahead: left out
            complaint(.low, resolvedH: 1),  // within
        ]
        #expect(ComplaintMetrics.slaRate(cs, asOf: asOf) == MetricValue(value: 40, n: 5))
        #expect(ComplaintMetrics.slaRate([complaint(.low)], asOf: asOf) == nil)
        let tight = SLAPolicy(high: 1, medium: 2, low: 3)
        #expect(
            ComplaintMetrics.slaRate([complaint(.low, resolvedH: 3), complaint(.low, resolvedH: 4)], policy: tight, asOf: asOf)
                == MetricValue(value: 50, n: 2))
        #expect(ComplaintMetrics.count(cs) == MetricValue(value: 6, n: 6))
    }

    @Test func firstResponseMedian() {
        #expect(
            ComplaintMetrics.firstResponseP50([
                complaint(.high, firstMin: 40), complaint(.high, firstMin: 10),
                complaint(.high, firstMin: 25), complaint(.high),
            ])
                == MetricValue(value: 25, n: 3))
        #expect(
            ComplaintMetrics.firstResponseP50([
                complaint(.high, firstMin: 40), complaint(.high, firstMin: 10),
                complaint(.high, firstMin: 25), complaint(.high, firstMin: 1200),
            ])
                == MetricValue(value: Fixtures.d("32.5"), n: 4))
        // samples/complaints.csv C1: 40 minutes; C2: 20 hours = 1200 minutes.
        #expect(ComplaintMetrics.firstResponseP50([complaint(.high, firstMin: 40), complaint(.medium, firstMin: 1200)])?.value == 620)
        #expect(ComplaintMetrics.firstResponseP50([complaint(.high)]) == nil)
    }

    @Test func auditMetrics() {
        let t = Fixtures.demoTemplate
        let a = AuditScoring.score(template: t, answers: Fixtures.workedAnswers)
        var failed = Fixtures.workedAnswers
        failed["S2"] = .text("no")
        let b = AuditScoring.score(template: t, answers: failed)
        var allNA = Fixtures.workedAnswers
        for k in ["A1", "A2", "S1", "S2", "S3"] { allNA[k] = .na }
        let c = AuditScoring.score(template: t, answers: allNA)
        #expect(c.overall == nil)
        let audits = [a, b, c]
        // Mean of unrounded scores: (61.979166… + 32.8125)/2 = 47.395833…
        #expect(AuditMetrics.value(.auditScore, audits: audits)?.value.fixed(4) == "47.3958")
        #expect(AuditMetrics.value(.auditScore, audits: audits)?.n == 2)
        #expect(AuditMetrics.value(.auditSection("CLS"), audits: audits) == nil)
        #expect(AuditMetrics.value(.auditDimension(.empathy), audits: audits) == MetricValue(value: 50, n: 2))
        #expect(AuditMetrics.value(.auditCriticalFailures, audits: audits) == MetricValue(value: 1, n: 3))
    }
}
