import Foundation
import Testing

@testable import TouchstoneCore

/// An independent, deliberately plain reference for rules.md §5: Int128 fractions (not the
/// engine's BigUInt rationals) and day-by-day iteration (not segment clipping).
@available(macOS 15.0, *)
struct ReferencePayout {
    struct Frac: Equatable {
        var n: Int128
        var d: Int128

        init(_ n: Int128, _ d: Int128 = 1) {
            precondition(d != 0)
            var g = Frac.gcd(n < 0 ? -n : n, d < 0 ? -d : d)
            if g == 0 { g = 1 }
            let s: Int128 = d < 0 ? -1 : 1
            self.n = s * n / g
            self.d = s * d / g
        }

        init(_ x: Decimal) {
            // Test inputs have at most 2 decimals.
            let cents = NSDecimalNumber(decimal: (x * 100).rounded(scale: 0)).int64Value
            self.init(Int128(cents), 100)
        }

        static func gcd(_ a: Int128, _ b: Int128) -> Int128 { b == 0 ? a : gcd(b, a % b) }
        static func + (a: Frac, b: Frac) -> Frac { Frac(a.n * b.d + b.n * a.d, a.d * b.d) }
        static func - (a: Frac, b: Frac) -> Frac { Frac(a.n * b.d - b.n * a.d, a.d * b.d) }
        static func * (a: Frac, b: Frac) -> Frac { Frac(a.n * b.n, a.d * b.d) }
        static func / (a: Frac, b: Frac) -> Frac { Frac(a.n * b.d, a.d * b.n) }
        static func < (a: Frac, b: Frac) -> Bool { a.n * b.d < b.n * a.d }
        static func <= (a: Frac, b: Frac) -> Bool { a.n * b.d <= b.n * a.d }

        /// Cents, half away from zero.
        var cents: Int128 {
            let num = n * 100
            let q = (2 * (num < 0 ? -num : num) + d) / (2 * d)
            return num < 0 ? -q : q
        }

        var decimal: Decimal { Decimal(string: String(n))! / Decimal(string: String(d))! }
    }

    static func attainment(_ curve: Curve, _ value: Decimal, _ dir: Direction) -> Frac {
        let v = Frac(value)
        let h = Frac(100)
        switch curve {
        case .linear(let c):
            let t = Frac(c.threshold)
            let g = Frac(c.target)
            let aT = Frac(c.atThreshold)
            let aS = Frac(c.atStretch)
            let s = c.stretch.map { Frac($0) }
            if dir == .higher {
                if v < t { return Frac(0) }
                if v < g { return aT + (v - t) / (g - t) * (h - aT) }
                guard let s else { return h }
                if v < s { return h + (v - g) / (s - g) * (aS - h) }
                return aS
            } else {
                if t < v { return Frac(0) }
                if g < v { return aT + (t - v) / (t - g) * (h - aT) }
                guard let s else { return h }
                if s < v { return h + (g - v) / (g - s) * (aS - h) }
                return aS
            }
        case .tiers(let tiers):
            var best: Tier?
            for tier in tiers {
                let f = Frac(tier.from)
                if dir == .higher, f <= v, best.map({ Frac($0.from) < f }) ?? true { best = tier }
                if dir == .lower, v <= f, best.map({ f < Frac($0.from) }) ?? true { best = tier }
            }
            return best.map { Frac($0.pct) } ?? Frac(0)
        }
    }

    struct Result {
        var prorated: Frac
        var score: Frac
        var cents: Int128
    }

    static func compute(
        plan: Plan, period: Period, person: PayoutPerson, staff: [String: KPIValue],
        outlets: [String: [String: KPIValue]], defs: [String: KPIDefinition]
    ) -> Result? {
        // Day by day: which assignment (in a plan role) covers the day?
        var days: [(outlet: String, tb: Decimal?)] = []
        var day = period.firstDay
        while day <= period.lastDay {
            if let a = person.assignments.first(where: { plan.roles.contains($0.role) && $0.start <= day && (day <= ($0.end ?? day)) }) {
                days.append((a.outlet, a.targetBonus ?? plan.targetBonus))
            }
            day = day.adding(days: 1)
        }
        if days.isEmpty { return nil }
        let D = Frac(Int128(period.days))
        var prorated = Frac(0)
        for d in days { prorated = prorated + Frac(d.tb ?? 0) / D }
        var sumWA = Frac(0)
        var sumW = Frac(0)
        for c in plan.components {
            let dir = defs[c.kpi]!.direction
            var a: Frac?
            if c.level == .staff {
                if let v = staff[c.kpi], v.status != .insufficient { a = attainment(c.curve, v.value, dir) }
            } else {
                var total = Frac(0)
                var count = 0
                for d in days {
                    if let v = outlets[d.outlet]?[c.kpi], v.status != .insufficient {
                        total = total + attainment(c.curve, v.value, dir)
                        count += 1
                    }
                }
                if count > 0 { a = total / Frac(Int128(count)) }
            }
            if a == nil {
                if c.insufficient == .target { a = Frac(100) }
                if c.insufficient == .zero { a = Frac(0) }
            }
            if let a {
                sumWA = sumWA + Frac(c.weight) * a
                sumW = sumW + Frac(c.weight)
            }
        }
        var score = Frac(0)
        if sumW.n != 0 {
            score = sumWA / sumW
            if Frac(plan.cap) < score { score = Frac(plan.cap) }
        }
        var mult = Frac(1)
        for g in plan.gates {
            var values: [Decimal] = []
            if g.level == .staff {
                if let v = staff[g.kpi], v.status != .insufficient { values.append(v.value) }
            } else {
                for d in days { if let v = outlets[d.outlet]?[g.kpi], v.status != .insufficient { values.append(v.value) } }
            }
            if values.contains(where: { g.when.holds(for: $0) }) { mult = mult * Frac(g.effect.multiplier) }
        }
        let payout = prorated * score / Frac(100) * mult
        return Result(prorated: prorated, score: score, cents: payout.cents)
    }
}

/// SplitMix64.
struct SeededRNG: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct PayoutPropertyTests {
    static func cents(_ rng: inout SeededRNG, _ range: ClosedRange<Int>) -> Decimal {
        Decimal(Int.random(in: range, using: &rng)) / 100
    }

    /// Three values ordered for `dir` (threshold, target, stretch).
    static func ordered(_ rng: inout SeededRNG, _ dir: Direction) -> [Decimal] {
        var v = (0..<3).map { _ in cents(&rng, 0...10_000) }.sorted()
        if dir == .lower { v.reverse() }
        return v
    }

    @available(macOS 15.0, *)
    static func randomCase(
        _ rng: inout SeededRNG
    ) -> (Plan, Period, PayoutPerson, [String: KPIValue], [String: [String: KPIValue]], [String: KPIDefinition]) {
        var defs: [String: KPIDefinition] = [:]
        for (code, dir) in [("K1", Direction.higher), ("K2", .lower), ("K3", .higher), ("K4", .lower)] {
            let o = ordered(&rng, dir)
            defs[code] = KPIDefinition(
                code: code, metric: .surveyMean, direction: dir, threshold: o[0], target: o[1],
                stretch: o[2], minSample: Int.random(in: 1...4, using: &rng))
        }
        let codes = defs.keys.sorted()
        let period =
            Bool.random(using: &rng) && Int.random(in: 0..<3, using: &rng) == 0
            ? Period.quarter(2026, Int.random(in: 1...4, using: &rng))!
            : Period.month(Int.random(in: 2025...2028, using: &rng), Int.random(in: 1...12, using: &rng))!
        var components: [PlanComponent] = []
        for _ in 0..<Int.random(in: 1...3, using: &rng) {
            let kpi = codes.randomElement(using: &rng)!
            let dir = defs[kpi]!.direction
            let curve: Curve
            if Bool.random(using: &rng) {
                let o = ordered(&rng, dir)
                curve = .linear(
                    LinearCurve(
                        threshold: o[0], target: o[1], stretch: Bool.random(using: &rng) ? o[2] : nil,
                        atThreshold: Decimal(Int.random(in: 0...100, using: &rng)),
                        atStretch: Decimal(Int.random(in: 100...200, using: &rng))))
            } else {
                var froms = Set<Decimal>()
                for _ in 0..<Int.random(in: 1...4, using: &rng) { froms.insert(cents(&rng, 0...10_000)) }
                curve = .tiers(froms.sorted().map { Tier(from: $0, pct: Decimal(Int.random(in: 0...150, using: &rng))) })
            }
            components.append(
                PlanComponent(
                    kpi: kpi, level: Bool.random(using: &rng) ? .staff : .outlet,
                    weight: Decimal(Int.random(in: 1...1000, using: &rng)) / 10, curve: curve,
                    insufficient: InsufficientPolicy.allCases.randomElement(using: &rng)!))
        }
        var gates: [Gate] = []
        for _ in 0..<Int.random(in: 0...2, using: &rng) {
            gates.append(
                Gate(
                    kpi: codes.randomElement(using: &rng)!, level: Bool.random(using: &rng) ? .staff : .outlet,
                    when: GateCondition(Comparison.allCases.randomElement(using: &rng)!, cents(&rng, 0...10_000)),
                    effect: Int.random(in: 0..<4, using: &rng) == 0 ? .zero : .multiply(cents(&rng, 0...150))))
        }
        let plan = Plan(
            code: "P", roles: ["sa", "lead"], period: period.kind, currency: "CNY",
            targetBonus: Bool.random(using: &rng) ? cents(&rng, 0...500_000) : nil,
            cap: Decimal(Int.random(in: 80...200, using: &rng)), components: components, gates: gates)
        var assignments: [Assignment] = []
        var start = period.firstDay.adding(days: -Int.random(in: 0...40, using: &rng))
        for i in 0..<Int.random(in: 1...4, using: &rng) {
            let end = start.adding(days: Int.random(in: 0...50, using: &rng))
            let open = i > 0 && Int.random(in: 0..<4, using: &rng) == 0
            assignments.append(
                Assignment(
                    outlet: ["O1", "O2", "O3"].randomElement(using: &rng)!,
                    role: ["sa", "lead", "other"].randomElement(using: &rng)!, start: start,
                    end: open ? nil : end,
                    targetBonus: Int.random(in: 0..<5, using: &rng) == 0 ? nil : cents(&rng, 0...900_000)))
            if open { break }
            start = end.adding(days: 1 + Int.random(in: 0...3, using: &rng))
        }
        func value(_ kpi: String) -> KPIValue? {
            guard Int.random(in: 0..<5, using: &rng) > 0 else { return nil }
            return KPIValue(value: cents(&rng, 0...10_000), n: Int.random(in: 0...6, using: &rng), definition: defs[kpi]!)
        }
        var staff: [String: KPIValue] = [:]
        for k in codes { staff[k] = value(k) }
        var outlets: [String: [String: KPIValue]] = [:]
        for o in ["O1", "O2", "O3"] { for k in codes { outlets[o, default: [:]][k] = value(k) } }
        return (
            plan, period, PayoutPerson(employeeNo: "E", name: "N", assignments: assignments.shuffled(using: &rng)),
            staff, outlets, defs
        )
    }

    @available(macOS 15.0, *)
    @Test(arguments: [1, 2, 3, 4])
    func engineMatchesReferenceToTheCent(seed: UInt64) {
        var rng = SeededRNG(state: seed)
        var rows = 0
        for _ in 0..<150 {
            let (plan, period, person, staff, outlets, defs) = Self.randomCase(&rng)
            let engine = PayoutEngine.compute(
                plan: plan, period: period, person: person, staffKPIs: staff,
                outletKPIs: outlets, definitions: defs)
            let ref = ReferencePayout.compute(plan: plan, period: period, person: person, staff: staff, outlets: outlets, defs: defs)
            #expect((engine == nil) == (ref == nil))
            guard let engine, let ref else { continue }
            rows += 1
            #expect(engine.payout == Decimal(string: String(ref.cents))! / 100, "\(plan) \(period) \(person)")
            #expect(abs(engine.scorePct - ref.score.decimal) < Decimal(string: "0.000000000000000000001")!)
            #expect(abs(engine.proratedTarget - ref.prorated.decimal) < Decimal(string: "0.000000000000000000001")!)
        }
        #expect(rows > 60)
    }
}
