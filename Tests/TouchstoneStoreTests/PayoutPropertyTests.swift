import Foundation
import PQ
import Testing
import TouchstoneCore
import TouchstoneStore
import TouchstoneTestSupport

/// Random plans and assignment histories through the real path (CSV import, `plan add`,
/// the payout step, the export) against a plain day-by-day reference written here,
/// independent of TouchstoneCore's engine; equal to the cent.
@Suite struct PayoutPropertyTests {
    // MARK: Exact fractions for the reference.

    struct Q: Comparable {
        var n: Int128
        var d: Int128

        init(_ n: Int128, _ d: Int128 = 1) {
            func gcd(_ a: Int128, _ b: Int128) -> Int128 { b == 0 ? (a < 0 ? -a : a) : gcd(b, a % b) }
            let g = Swift.max(gcd(n, d), 1)
            let sign: Int128 = d < 0 ? -1 : 1
            self.n = sign * n / g
            self.d = sign * d / g
        }
        /// A decimal with 2 places given in hundredths.
        static func cents(_ c: Int) -> Q { Q(Int128(c), 100) }
        static func + (a: Q, b: Q) -> Q { Q(a.n * b.d + b.n * a.d, a.d * b.d) }
        static func - (a: Q, b: Q) -> Q { Q(a.n * b.d - b.n * a.d, a.d * b.d) }
        static func * (a: Q, b: Q) -> Q { Q(a.n * b.n, a.d * b.d) }
        static func / (a: Q, b: Q) -> Q { Q(a.n * b.d, a.d * b.n) }
        static func < (a: Q, b: Q) -> Bool { a.n * b.d < b.n * a.d }
        static func == (a: Q, b: Q) -> Bool { a.n == b.n && a.d == b.d }

        /// Rounded half away from zero to `scale` places (values here are >= 0), as text.
        func fixed(_ scale: Int) -> String {
            var p: Int128 = 1
            for _ in 0..<scale { p *= 10 }
            let q = (2 * n * p + d) / (2 * d)
            let whole = q / p
            let frac = q % p
            guard scale > 0 else { return String(whole) }
            let digits = String(frac)
            return "\(whole)." + String(repeating: "0", count: scale - digits.count) + digits
        }
    }

    // MARK: The random world.

    struct KPI {
        var code: String
        var higher: Bool
        var minSample = 3
    }

    static let kpis = [KPI(code: "K1", higher: true), KPI(code: "K2", higher: false), KPI(code: "K3", higher: true)]
    static let outlets = (1...6).map { "O\($0)" }

    enum Curve {
        case linear(threshold: Int, target: Int, stretch: Int, atThreshold: Int, atStretch: Int)
        case tiers([(from: Int, pct: Int)])
    }

    struct Component {
        var kpi: KPI
        var staff: Bool
        var weight: Int
        var curve: Curve
        var policy: String
    }

    struct Gate {
        var kpi: KPI
        var staff: Bool
        var op: String
        var x: Int
        var multiplier: Int?  // nil: zero; else hundredths
    }

    struct PlanSpec {
        var code: String
        var roles: [String]
        var quarter: Bool
        var targetBonus: Int?  // whole currency units
        var cap: Int
        var components: [Component]
        var gates: [Gate]

        var json: String {
            func curveJSON(_ c: Curve) -> String {
                switch c {
                case .linear(let t, let g, let s, let a, let b):
                    return #"{"type": "linear", "threshold": \#(t), "target": \#(g), "stretch": \#(s), "atThreshold": \#(a), "atStretch": \#(b)}"#
                case .tiers(let tiers):
                    return #"{"type": "tiers", "tiers": [\#(tiers.map { #"{"from": \#($0.from), "pct": \#($0.pct)}"# }.joined(separator: ", "))]}"#
                }
            }
            let components = self.components.map {
                #"{"kpi": "\#($0.kpi.code)", "level": "\#($0.staff ? "staff" : "outlet")", "weight": \#($0.weight), "curve": \#(curveJSON($0.curve)), "insufficient": "\#($0.policy)"}"#
            }
            let gates = self.gates.map { g in
                let effect = g.multiplier.map { #"{"multiply": "\#(Q.cents($0).fixed(2))"}"# } ?? #""zero""#
                return #"{"kpi": "\#(g.kpi.code)", "level": "\#(g.staff ? "staff" : "outlet")", "when": {"\#(g.op)": \#(g.x)}, "effect": \#(effect)}"#
            }
            let bonus = targetBonus.map { #", "targetBonus": "\#($0).00""# } ?? ""
            return
                #"{"code": "\#(code)", "roles": [\#(roles.map { "\"\($0)\"" }.joined(separator: ", "))], "period": "\#(quarter ? "quarter" : "month")", "currency": "CNY"\#(bonus), "cap": \#(cap), "components": [\#(components.joined(separator: ", "))], "gates": [\#(gates.joined(separator: ", "))]}"#
        }
    }

    struct AssignmentSpec {
        var outlet: String
        var role: String
        var start: CivilDate
        var end: CivilDate?
        var bonus: Int?  // hundredths
    }

    struct PersonSpec {
        var employeeNo: String
        var assignments: [AssignmentSpec]
    }

    struct Value {
        var cents: Int
        var n: Int
        var insufficient: Bool { n < 3 }
    }

    /// Splitmix64: the same cases on every run.
    struct Rng {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
        mutating func chance(_ percent: Int) -> Bool { int(1...100) <= percent }
        mutating func pick<T>(_ items: [T]) -> T { items[int(0...items.count - 1)] }
    }

    static func randomCurve(_ kpi: KPI, _ rng: inout Rng) -> Curve {
        if rng.chance(60) {
            var points = [rng.int(10...40), rng.int(41...70), rng.int(71...95)]
            if !kpi.higher { points.reverse() }
            return .linear(
                threshold: points[0], target: points[1], stretch: points[2],
                atThreshold: rng.int(0...100), atStretch: rng.int(100...200))
        }
        let froms = Set((0..<rng.int(1...4)).map { _ in rng.int(0...100) }).sorted(by: >)
        return .tiers(froms.map { (from: $0, pct: rng.int(0...150)) })
    }

    static func randomPlan(_ index: Int, quarter: Bool, _ rng: inout Rng) -> PlanSpec {
        let components = (0..<rng.int(1...3)).map { _ in
            let kpi = rng.pick(kpis)
            return Component(
                kpi: kpi, staff: rng.chance(50), weight: rng.int(1...100), curve: randomCurve(kpi, &rng),
                policy: rng.pick(["redistribute", "target", "zero"]))
        }
        let gates = (0..<rng.int(0...2)).map { _ in
            Gate(
                kpi: rng.pick(kpis), staff: rng.chance(50), op: rng.pick(["gt", "ge", "lt", "le", "eq"]), x: rng.int(0...100),
                multiplier: rng.chance(30) ? nil : rng.int(0...200))
        }
        return PlanSpec(
            code: "P\(index)", roles: ["r\(index)a", "r\(index)b"], quarter: quarter,
            targetBonus: rng.chance(70) ? rng.int(0...9000) : nil, cap: rng.pick([100, 120, 150, 200]),
            components: components, gates: gates)
    }

    /// A history around `period`: joiners, leavers, transfers, role changes, gaps.
    static func randomPerson(_ employeeNo: String, plan: PlanSpec, period: Period, _ rng: inout Rng) -> PersonSpec {
        var day = period.firstDay.adding(days: -rng.int(-20...60))
        var assignments: [AssignmentSpec] = []
        for i in 0..<rng.int(1...4) {
            let start = day
            let last = i > 0 && rng.chance(25)
            let length = rng.int(1...(period.days))
            let end: CivilDate? = last && rng.chance(50) ? nil : start.adding(days: length - 1)
            let role = rng.chance(80) ? rng.pick(plan.roles) : "other"
            assignments.append(
                AssignmentSpec(
                    outlet: rng.pick(outlets), role: role, start: start, end: end,
                    bonus: rng.chance(80) ? rng.int(0...900_000) : nil))
            guard let end else { break }
            day = end.adding(days: rng.chance(70) ? 1 : rng.int(2...15))
        }
        return PersonSpec(employeeNo: employeeNo, assignments: assignments)
    }

    // MARK: The reference calculation (rules.md §5, day by day).

    static func attainment(_ curve: Curve, _ v: Q, higher: Bool) -> Q {
        switch curve {
        case .linear(let t, let g, let s, let a, let b):
            let (t, g, s, a, b) = (Q(Int128(t)), Q(Int128(g)), Q(Int128(s)), Q(Int128(a)), Q(Int128(b)))
            let hundred = Q(100)
            if higher {
                if v < t { return Q(0) }
                if v < g { return a + (v - t) / (g - t) * (hundred - a) }
                if v < s { return hundred + (v - g) / (s - g) * (b - hundred) }
                return b
            }
            if t < v { return Q(0) }
            if g < v { return a + (t - v) / (t - g) * (hundred - a) }
            if s < v { return hundred + (g - v) / (g - s) * (b - hundred) }
            return b
        case .tiers(let tiers):
            let eligible = tiers.filter { higher ? !(v < Q(Int128($0.from))) : !(Q(Int128($0.from)) < v) }
            let best = higher ? eligible.max { $0.from < $1.from } : eligible.min { $0.from < $1.from }
            return best.map { Q(Int128($0.pct)) } ?? Q(0)
        }
    }

    static func holds(_ gate: Gate, _ value: Value?) -> Bool {
        guard let value, !value.insufficient else { return false }
        let v = value.cents
        let x = gate.x * 100
        switch gate.op {
        case "gt": return v > x
        case "ge": return v >= x
        case "lt": return v < x
        case "le": return v <= x
        default: return v == x
        }
    }

    /// The expected export fields `prorated_target, score_pct, payout`, or nil for no row.
    static func reference(
        plan: PlanSpec, person: PersonSpec, period: Period,
        staff: [String: Value], outlet: [String: [String: Value]]
    ) -> [String]? {
        // Who was where, day by day, under the plan's roles.
        var days: [(outlet: String, bonus: Q?)] = []
        var day = period.firstDay
        while day <= period.lastDay {
            if let a = person.assignments.first(where: { $0.start <= day && ($0.end.map { day <= $0 } ?? true) }),
                plan.roles.contains(a.role)
            {
                days.append((a.outlet, a.bonus.map { Q.cents($0) } ?? plan.targetBonus.map { Q(Int128($0)) }))
            }
            day = day.adding(days: 1)
        }
        guard !days.isEmpty else { return nil }
        var weighted = Q(0)
        var weights = Q(0)
        for c in plan.components {
            var a: Q?
            if c.staff {
                if let v = staff[c.kpi.code], !v.insufficient { a = attainment(c.curve, Q.cents(v.cents), higher: c.kpi.higher) }
            } else {
                var sum = Q(0)
                var counted = 0
                for d in days {
                    if let v = outlet[d.outlet]?[c.kpi.code], !v.insufficient {
                        sum = sum + attainment(c.curve, Q.cents(v.cents), higher: c.kpi.higher)
                        counted += 1
                    }
                }
                if counted > 0 { a = sum / Q(Int128(counted)) }
            }
            if a == nil {
                if c.policy == "target" { a = Q(100) } else if c.policy == "zero" { a = Q(0) }
            }
            if let a {
                weighted = weighted + Q(Int128(c.weight)) * a
                weights = weights + Q(Int128(c.weight))
            }
        }
        var score = Q(0)
        if weights.n != 0 {
            score = weighted / weights
            if Q(Int128(plan.cap)) < score { score = Q(Int128(plan.cap)) }
        }
        var prorated = Q(0)
        for d in days { if let b = d.bonus { prorated = prorated + b / Q(Int128(period.days)) } }
        var multiplier = Q(1)
        for g in plan.gates {
            let fired = g.staff ? holds(g, staff[g.kpi.code]) : Set(days.map(\.outlet)).contains { holds(g, outlet[$0]?[g.kpi.code]) }
            if fired { multiplier = multiplier * (g.multiplier.map { Q.cents($0) } ?? Q(0)) }
        }
        let payout = prorated * score / Q(100) * multiplier
        return [prorated.fixed(2), score.fixed(4), payout.fixed(2)]
    }

    // MARK: The test.

    static func randomValues(_ subjects: [String], _ rng: inout Rng) -> [String: [String: Value]] {
        var values: [String: [String: Value]] = [:]
        for subject in subjects {
            for kpi in kpis where rng.chance(80) {
                values[subject, default: [:]][kpi.code] = Value(
                    cents: rng.chance(20) ? rng.int(0...100) * 100 : rng.int(0...10_000),
                    n: rng.int(1...10))
            }
        }
        return values
    }

    static func results(_ values: [String: [String: Value]], level: String) -> [PayoutFixtures.Result] {
        values.flatMap { subject, byKPI in
            byKPI.map { kpi, v in
                PayoutFixtures.Result(
                    level: level, subject: subject, kpi: kpi, value: Decimal(v.cents) / 100, n: v.n,
                    status: v.insufficient ? .insufficient : .green)
            }
        }
    }

    @Test(arguments: [(Period.month(2026, 2)!, false), (Period.quarter(2026, 4)!, true)])
    func randomPlansMatchTheReference(period: Period, quarterly: Bool) async throws {
        var rng = Rng(state: quarterly ? 0x5EED_0002 : 0x5EED_0001)
        let (database, tenant) = try await TestDatabase.make()
        let kpiJSON =
            "["
            + Self.kpis.map {
                #"{"code": "\#($0.code)", "metric": "survey.top2box", "direction": "\#($0.higher ? "higher" : "lower")", "threshold": \#($0.higher ? 40 : 60), "target": 50, "minSample": \#($0.minSample)}"#
            }.joined(separator: ", ") + "]"
        try await KPIDefinitionQueries.define(tenant: tenant, json: Data(kpiJSON.utf8), database: database)
        let outletCSV =
            "code,name,type,region_path,opened_on,closed_on,city\n"
            + Self.outlets.map { "\($0),店\($0),store,华东/上海,2020-01-01,,上海\n" }.joined()
        try await BatchFixtures.importCSVText(database, tenant, .outlets, outletCSV)

        // 150 plans per period kind, 4 people each; a plan of the other kind that must not pay.
        var plans: [PlanSpec] = []
        var people: [(plan: Int, person: PersonSpec)] = []
        for index in 0..<150 {
            let plan = Self.randomPlan(index, quarter: quarterly, &rng)
            plans.append(plan)
            for k in 0..<4 {
                people.append((index, Self.randomPerson(String(format: "E%03d-%d", index, k), plan: plan, period: period, &rng)))
            }
        }
        var otherKind = Self.randomPlan(999, quarter: !quarterly, &rng)
        otherKind.roles = plans[0].roles
        for plan in plans + [otherKind] {
            let added = try await PlanQueries.add(tenant: tenant, json: Data(plan.json.utf8), database: database)
            #expect(added.outcome == .created)
        }
        var staffCSV = "employee_no,name,role,outlet_code,start_date,end_date,target_bonus\n"
        for (_, person) in people {
            for a in person.assignments {
                staffCSV +=
                    "\(person.employeeNo),员工\(person.employeeNo),\(a.role),\(a.outlet),\(a.start),\(a.end?.description ?? ""),"
                    + "\(a.bonus.map { Q.cents($0).fixed(2) } ?? "")\n"
            }
        }
        try await BatchFixtures.importCSVText(database, tenant, .staff, staffCSV)

        let outletValues = Self.randomValues(Self.outlets, &rng)
        let staffValues = Self.randomValues(people.map(\.person.employeeNo), &rng)
        try await PayoutFixtures.setKPIs(
            Self.results(outletValues, level: "outlet") + Self.results(staffValues, level: "staff"),
            period: period.description, tenant: tenant, database: database)
        let summary = try await PayoutFixtures.runPayouts(period, tenant: tenant, database: database)
        #expect(summary.plans.count == 150)

        var expected: [String] = []
        for (index, person) in people {
            guard
                let fields = Self.reference(
                    plan: plans[index], person: person, period: period,
                    staff: staffValues[person.employeeNo] ?? [:], outlet: outletValues)
            else { continue }
            expected.append(([person.employeeNo, plans[index].code] + fields).joined(separator: ","))
        }
        let csv = try await PayoutFixtures.export(period, tenant: tenant, database: database)
        let actual = csv.split(separator: "\n").dropFirst().map { line in
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return [f[1], f[3], f[4], f[5], f[6]].joined(separator: ",")
        }
        #expect(expected.count > 300)
        #expect(actual.count == expected.count)
        let mismatches = zip(actual, expected.sorted()).filter { $0 != $1 }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }
}
