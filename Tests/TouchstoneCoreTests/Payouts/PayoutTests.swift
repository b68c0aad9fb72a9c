import Foundation
import Testing

@testable import TouchstoneCore

@Suite struct PayoutTests {
    static let kpis: [String: KPIDefinition] = try! KPITests.sampleKPIs()
    static let samplePlan: Plan = try! Plan.parse(
        json: Data(contentsOf: Fixtures.specDir.appendingPathComponent("plan-sa.json")), knownKPIs: kpis)
    static let sep = Period("2026-09")!

    static let e7 = PayoutPerson(
        employeeNo: "E7", name: "王芳",
        assignments: [
            Assignment(outlet: "O1", role: "service_advisor", start: Fixtures.day("2025-01-01"), end: Fixtures.day("2026-09-20"), targetBonus: 2000),
            Assignment(outlet: "O2", role: "service_advisor", start: Fixtures.day("2026-09-21"), targetBonus: 2400),
        ])

    static func v(_ value: Decimal, _ n: Int, _ kpi: String) -> KPIValue { KPIValue(value: value, n: n, definition: kpis[kpi]!) }

    static func compute(
        plan: Plan = samplePlan, period: Period = sep, person: PayoutPerson = e7,
        staff: [String: KPIValue] = ["MS": v(80, 3, "MS")],
        outlets: [String: [String: KPIValue]] = ["O1": ["CSAT": v(92, 40, "CSAT")], "O2": ["CSAT": v(96, 20, "CSAT")]]
    ) -> PayoutResult? {
        PayoutEngine.compute(plan: plan, period: period, person: person, staffKPIs: staff, outletKPIs: outlets, definitions: kpis)
    }

    @Test func samplePlanParses() {
        let p = Self.samplePlan
        #expect(p.code == "SA")
        #expect(p.targetBonus == 1500)
        #expect(p.cap == 150)
        #expect(p.components.map(\.weight) == [60, 40])
        #expect(p.components[0].curve == .linear(LinearCurve(threshold: 70, target: 85, stretch: 95)))
        #expect(p.gates == [Gate(kpi: "CRIT", level: .outlet, when: GateCondition(.gt, 2), effect: .multiply(Fixtures.d("0.5")))])
    }

    @Test func workedExampleE7() throws {
        let r = try #require(Self.compute())
        #expect(r.payout == Fixtures.d("1976.89"))
        #expect(r.payout.fixed(2) == "1976.89")
        #expect(r.proratedTarget.fixed(2) == "2133.33")
        #expect(r.scorePct.fixed(4) == "92.6667")
        #expect(r.explanation.formula == "2133.33 × 92.6667% × 1 = 1976.89")
        #expect(r.explanation.periodDays == 30)
        #expect(r.explanation.segments.map(\.days) == [20, 10])
        #expect(r.explanation.segments.map(\.start.description) == ["2026-09-01", "2026-09-21"])
        #expect(r.explanation.components[0].attainment?.fixed(4) == "83.3333")
        #expect(r.explanation.components[1].attainment?.fixed(4) == "106.6667")
        #expect(r.explanation.components[1].inputs.map { $0.attainment } == [100, 120])
        #expect(r.note == "")
        #expect(r.explanation.text.contains("Payout = 2133.33 × 92.6667% × 1 = 1976.89 CNY"))
    }

    @Test func workedExampleO2Insufficient() throws {
        let r = try #require(Self.compute(outlets: ["O1": ["CSAT": Self.v(92, 40, "CSAT")], "O2": ["CSAT": Self.v(96, 2, "CSAT")]]))
        #expect(r.scorePct == 90)
        #expect(r.payout.fixed(2) == "1920.00")
        #expect(r.explanation.components[1].attainment == 100)
        #expect(r.explanation.components[1].inputs.map(\.used) == [true, false])
        #expect(r.explanation.components[1].inputs[1].status == .insufficient)
    }

    @Test func explanationEncodesAsJSON() throws {
        let r = try #require(Self.compute())
        let data = try JSONEncoder().encode(r.explanation)
        let back = try JSONDecoder().decode(PayoutExplanation.self, from: data)
        #expect(back == r.explanation)
        let json = try JSONValue.parse(data)
        #expect(json["segments"].map { if case .array(let a) = $0 { a.count } else { 0 } } == 2)
        #expect(json["formula"] == .string("2133.33 × 92.6667% × 1 = 1976.89"))
    }

    static func sa(_ outlet: String, _ start: String, _ end: String?, _ tb: Decimal? = nil, role: String = "service_advisor") -> Assignment {
        Assignment(outlet: outlet, role: role, start: Fixtures.day(start), end: end.map(Fixtures.day), targetBonus: tb)
    }

    static func person(_ a: [Assignment]) -> PayoutPerson { PayoutPerson(employeeNo: "E1", name: "测试", assignments: a) }

    @Test func joinerOnLastDay() throws {
        let r = try #require(Self.compute(person: Self.person([Self.sa("O1", "2026-09-30", nil, 3000)])))
        #expect(r.explanation.segments.map(\.days) == [1])
        #expect(r.proratedTarget == 100)
        // MS 83.3333…, CSAT O1 = 100 → score 90 → 90.00
        #expect(r.payout.fixed(2) == "90.00")
    }

    @Test func leaverOnFirstDay() throws {
        let r = try #require(Self.compute(person: Self.person([Self.sa("O2", "2024-01-01", "2026-09-01", 3000)])))
        #expect(r.explanation.segments.map(\.days) == [1])
        // MS 83.3333…×60 + CSAT O2 120×40 → 98 → 100 × 98% = 98.00
        #expect(r.scorePct == 98)
        #expect(r.payout.fixed(2) == "98.00")
    }

    @Test func leftBeforeThePeriodHasNoRow() {
        #expect(Self.compute(person: Self.person([Self.sa("O1", "2024-01-01", "2026-08-31", 3000)])) == nil)
        #expect(Self.compute(person: Self.person([Self.sa("O1", "2026-10-01", nil, 3000)])) == nil)
        #expect(Self.compute(person: Self.person([Self.sa("O1", "2024-01-01", nil, 3000, role: "outlet_manager")])) == nil)
    }

    static let managerPlan = Plan(
        code: "MGR", roles: ["outlet_manager"], period: .month, currency: "CNY", targetBonus: 5000,
        components: [
            PlanComponent(
                kpi: "CSAT", level: .outlet, weight: 1,
                curve: .tiers([Tier(from: 90, pct: 100), Tier(from: 95, pct: 110)]))
        ])

    @Test func roleChangeMidMonthAndTwoPlans() throws {
        // Advisor 09-01..09-10 at O1, then manager 09-11.. at O2.
        let p = Self.person([
            Self.sa("O1", "2026-01-01", "2026-09-10", 3000),
            Self.sa("O2", "2026-09-11", nil, role: "outlet_manager"),
        ])
        let sa = try #require(Self.compute(person: p))
        #expect(sa.explanation.segments.map(\.days) == [10])
        #expect(sa.proratedTarget == 1000)
        #expect(sa.scorePct == 90)  // MS 83.33…, CSAT O1 only (100)
        #expect(sa.payout.fixed(2) == "900.00")
        let mgr = try #require(Self.compute(plan: Self.managerPlan, person: p))
        #expect(mgr.explanation.segments.map(\.days) == [20])
        #expect(mgr.proratedTarget.fixed(2) == "3333.33")
        #expect(mgr.scorePct == 110)  // O2 CSAT 96 → tier 95 → 110
        #expect(mgr.payout.fixed(2) == "3666.67")
    }

    @Test func allComponentsInsufficient() throws {
        let r = try #require(
            Self.compute(
                staff: ["MS": Self.v(80, 0, "MS")],
                outlets: ["O1": ["CSAT": Self.v(92, 1, "CSAT")]]))
        #expect(r.scorePct == 0)
        #expect(r.payout == 0)
        #expect(r.note.contains("every component insufficient: score 0"))
        #expect(r.explanation.components.allSatisfy { !$0.kept })
    }

    @Test(arguments: [
        (InsufficientPolicy.redistribute, "1777.78"),  // CSAT dropped → MS 83.33…% alone × 2133.33…
        (.target, "1920.00"),  // (60×83.33… + 40×100)/100 = 90
        (.zero, "1066.67"),  // (60×83.33… + 40×0)/100 = 50
    ])
    func insufficientPolicies(policy: InsufficientPolicy, expected: String) throws {
        var plan = Self.samplePlan
        plan.components[1].insufficient = policy
        let s = try #require(Self.compute(plan: plan, outlets: [:]))
        #expect(s.payout.fixed(2) == expected)
    }

    @Test(arguments: [
        ("zero", "3", "0.00"),
        ("multiply", "3", "988.44"),  // exact 1976.888… × 0.5 = 988.444… (not 1976.89 / 2)
        ("multiply", "2", "1976.89"),  // gt 2 does not hold for 2
        ("both", "5", "0.00"),
    ])
    func gates(kind: String, crit: String, expected: String) throws {
        var plan = Self.samplePlan
        switch kind {
        case "zero": plan.gates = [Gate(kpi: "CRIT", level: .outlet, when: GateCondition(.gt, 2), effect: .zero)]
        case "both": plan.gates.append(Gate(kpi: "CRIT", level: .outlet, when: GateCondition(.ge, 5), effect: .zero))
        default: break
        }
        let c = Self.v(Fixtures.d(crit), 4, "CRIT")
        let r = try #require(
            Self.compute(
                plan: plan,
                outlets: [
                    "O1": ["CSAT": Self.v(92, 40, "CSAT")],
                    "O2": ["CSAT": Self.v(96, 20, "CSAT"), "CRIT": c],
                ]))
        #expect(r.payout.fixed(2) == expected)
        #expect(r.explanation.gates.count == (crit == "2" ? 0 : (kind == "both" ? 2 : 1)))
    }

    @Test func staffGateAndOutletGateOnlyForAssignedOutlets() throws {
        var plan = Self.samplePlan
        plan.gates = [Gate(kpi: "CRIT", level: .staff, when: GateCondition(.ge, 1), effect: .multiply(Fixtures.d("0.8")))]
        let r = try #require(
            Self.compute(
                plan: plan, staff: ["MS": Self.v(80, 3, "MS"), "CRIT": Self.v(1, 3, "CRIT")],
                outlets: [
                    "O1": ["CSAT": Self.v(92, 40, "CSAT")], "O2": ["CSAT": Self.v(96, 20, "CSAT")],
                    "O3": ["CRIT": Self.v(9, 3, "CRIT")],
                ]))
        #expect(r.explanation.multiplier == Fixtures.d("0.8"))
        #expect(r.payout.fixed(2) == "1581.51")  // 1976.888… × 0.8 = 1581.5111…
        let s = try #require(
            Self.compute(outlets: [
                "O1": ["CSAT": Self.v(92, 40, "CSAT")], "O2": ["CSAT": Self.v(96, 20, "CSAT")],
                "O3": ["CRIT": Self.v(9, 3, "CRIT")],
            ]))
        #expect(s.payout.fixed(2) == "1976.89")
    }

    @Test func capReached() throws {
        var plan = Self.samplePlan
        plan.cap = 110
        let r = try #require(Self.compute(plan: plan, staff: ["MS": Self.v(99, 3, "MS")]))
        // MS 150, CSAT 106.67 → 132.67 uncapped → 110
        #expect(r.explanation.uncappedScorePct?.fixed(4) == "132.6667")
        #expect(r.scorePct == 110)
        #expect(r.payout.fixed(2) == "2346.67")
    }

    @Test func quarterPeriod() throws {
        var plan = Self.samplePlan
        plan.period = .quarter
        let q4 = Period("2026-Q4")!
        let p = Self.person([Self.sa("O1", "2026-01-01", "2026-10-31", 9200), Self.sa("O2", "2026-11-01", nil, 4600)])
        let r = try #require(Self.compute(plan: plan, period: q4, person: p))
        #expect(r.explanation.periodDays == 92)
        #expect(r.explanation.segments.map(\.days) == [31, 61])
        #expect(r.proratedTarget == 6150)  // 9200×31/92 + 4600×61/92 = 3100 + 3050
        // CSAT: (31×100 + 61×120)/92 = 113.2608…; score = (60×83.333… + 40×113.2608…)/100 = 95.304347…
        #expect(r.scorePct.fixed(4) == "95.3043")
        #expect(r.payout.fixed(2) == "5861.22")
    }

    @Test func planDefaultTargetBonusWhenAssignmentHasNone() throws {
        let r = try #require(Self.compute(person: Self.person([Self.sa("O1", "2026-01-01", nil)])))
        #expect(r.proratedTarget == 1500)
        #expect(r.payout.fixed(2) == "1350.00")
    }
}

@Suite struct CurveTests {
    static let linear = Curve.linear(LinearCurve(threshold: 70, target: 85, stretch: 95))
    static let linearLower = Curve.linear(LinearCurve(threshold: 30, target: 15, stretch: 5, atThreshold: 40, atStretch: 200))
    static let tiers = Curve.tiers([Tier(from: 95, pct: 120), Tier(from: 90, pct: 100), Tier(from: 80, pct: 60)])
    static let tiersLower = Curve.tiers([Tier(from: 0, pct: 120), Tier(from: 2, pct: 100), Tier(from: 4, pct: 50)])

    @Test(arguments: [
        ("69.99", "0.0000"), ("70", "50.0000"), ("80", "83.3333"), ("85", "100.0000"), ("90", "125.0000"), ("95", "150.0000"), ("120", "150.0000"),
    ])
    func linearHigher(v: String, a: String) {
        #expect(Self.linear.attainment(value: Fixtures.d(v), direction: .higher).fixed(4) == a)
    }

    @Test(arguments: [
        ("31", "0.0000"), ("30", "40.0000"), ("20", "80.0000"), ("15", "100.0000"), ("10", "150.0000"), ("5", "200.0000"), ("0", "200.0000"),
    ])
    func linearLowerIsBetter(v: String, a: String) {
        #expect(Self.linearLower.attainment(value: Fixtures.d(v), direction: .lower).fixed(4) == a)
    }

    @Test(arguments: [("96", "120"), ("95", "120"), ("92", "100"), ("80", "60"), ("79.99", "0")])
    func tiersHigher(v: String, a: String) {
        #expect(Self.tiers.attainment(value: Fixtures.d(v), direction: .higher) == Fixtures.d(a))
    }

    @Test(arguments: [("0", "120"), ("1", "100"), ("2", "100"), ("3", "50"), ("4", "50"), ("5", "0")])
    func tiersLowerIsBetter(v: String, a: String) {
        #expect(Self.tiersLower.attainment(value: Fixtures.d(v), direction: .lower) == Fixtures.d(a))
    }

    @Test func linearWithoutStretchStopsAt100() {
        let c = Curve.linear(LinearCurve(threshold: 1, target: 0, stretch: nil))
        #expect(c.attainment(value: 0, direction: .lower) == 100)
        #expect(c.attainment(value: 1, direction: .lower) == 50)
        #expect(c.attainment(value: 2, direction: .lower) == 0)
    }
}

@Suite struct PlanParsingTests {
    @Test func reportsEveryProblem() {
        let json = """
            {"code":"P","roles":[],"period":"week","currency":"rmb","cap":0,
             "components":[{"kpi":"MS","level":"region","weight":0,"curve":{"type":"linear","threshold":90,"target":85,"stretch":95}},
                           {"kpi":"NOPE","level":"staff","weight":1,"curve":{"type":"tiers","tiers":[{"from":1,"pct":2},{"from":1,"pct":3}]}},
                           {"kpi":"CRIT","level":"outlet","weight":1,"curve":{"type":"linear","threshold":0,"target":1}, "insufficient":"ignore"},
                           {"kpi":"CSAT","level":"outlet","weight":1,"curve":{"type":"tiers","tiers":[]}}],
             "gates":[{"kpi":"CRIT","level":"outlet","when":{"above":2},"effect":"halve"},{"kpi":"CRIT","level":"staff"}]}
            """
        let kpis = PayoutTests.kpis
        #expect(
            throws: ValidationFailure(problems: [
                Problem(path: "roles", message: "must name at least one role"),
                Problem(path: "period", message: "unknown value \"week\" (expected one of: month, quarter)"),
                Problem(path: "currency", message: "expected a 3-letter ISO 4217 code such as CNY"),
                Problem(path: "cap", message: "must be > 0"),
                Problem(path: "components[0].level", message: "unknown value \"region\" (expected one of: outlet, staff)"),
                Problem(path: "components[0].weight", message: "must be > 0"),
                Problem(path: "components[0].curve.target", message: "direction higher needs threshold <= target (90 vs 85)"),
                Problem(path: "components[1].kpi", message: "unknown KPI \"NOPE\""),
                Problem(path: "components[1].curve.tiers[1].from", message: "duplicate tier from 1"),
                Problem(path: "components[2].insufficient", message: "unknown value \"ignore\" (expected one of: redistribute, target, zero)"),
                Problem(path: "components[2].curve.target", message: "direction lower needs threshold >= target (0 vs 1)"),
                Problem(path: "components[3].curve.tiers", message: "must have at least one tier"),
                Problem(path: "gates[0].when.above", message: "unknown comparison (expected gt, ge, lt, le or eq)"),
                Problem(path: "gates[0].effect", message: "expected \"zero\" or {\"multiply\": m}"),
                Problem(path: "gates[1].when", message: "is required"),
                Problem(path: "gates[1].effect", message: "is required"),
            ])
        ) {
            try Plan.parse(json: Data(json.utf8), knownKPIs: kpis)
        }
    }

    @Test func linearCurveDefaultsFromKPI() throws {
        let json =
            #"{"code":"P","roles":["r"],"period":"quarter","currency":"CNY","components":[{"kpi":"MS","level":"staff","weight":1,"curve":{"type":"linear"}}]}"#
        let p = try Plan.parse(json: Data(json.utf8), knownKPIs: PayoutTests.kpis)
        #expect(p.components[0].curve == .linear(LinearCurve(threshold: 70, target: 85, stretch: 95)))
        #expect(p.cap == 150)
        #expect(p.period == .quarter)
        #expect(p.name == "P")
        #expect(p.components[0].insufficient == .redistribute)
    }
}
