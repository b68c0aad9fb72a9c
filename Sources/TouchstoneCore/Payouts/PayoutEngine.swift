import Foundation

/// A person with the assignment history the payout reads: the staff member itself.
public typealias PayoutPerson = StaffMember

/// The payout calculation of rules.md §5, exact until the final rounding.
public enum PayoutEngine {
    /// The payout of `person` under `plan` for `period`, or nil when the person has no
    /// assignment in one of the plan's roles during the period.
    /// - staffKPIs: the person's KPI values by KPI code.
    /// - outletKPIs: outlet code → KPI code → value.
    /// - definitions: KPI definitions by code (for each KPI's direction).
    public static func compute(
        plan: Plan, period: Period, person: PayoutPerson, staffKPIs: [String: KPIValue],
        outletKPIs: [String: [String: KPIValue]], definitions: [String: KPIDefinition]
    ) -> PayoutResult? {
        let D = period.days
        // 1. Segments.
        let roles = Set(plan.roles)
        var segments: [PayoutExplanation.Segment] = []
        for a in person.assignments.sorted(by: { $0.start < $1.start }) where roles.contains(a.role) {
            let start = max(a.start, period.firstDay)
            let end = min(a.end ?? period.lastDay, period.lastDay)
            let days = CivilDate.daysInclusive(from: start, to: end)
            guard days > 0 else { continue }
            segments.append(
                .init(
                    outlet: a.outlet, role: a.role, start: start, end: end, days: days,
                    targetBonus: a.targetBonus ?? plan.targetBonus))
        }
        guard !segments.isEmpty else { return nil }
        var notes: [String] = []

        // 2–3. Components.
        var components: [PayoutExplanation.Component] = []
        var weighted = Rational.zero
        var weights = Rational.zero
        var dropped: [String] = []
        for c in plan.components {
            let direction = definitions[c.kpi]?.direction ?? .higher
            var explained = PayoutExplanation.Component(
                kpi: c.kpi, level: c.level, weight: c.weight, value: nil, n: nil,
                status: nil, attainment: nil, kept: true, why: "counted", inputs: [])
            var a: Rational?
            switch c.level {
            case .staff:
                if let v = staffKPIs[c.kpi] {
                    explained.value = v.value
                    explained.n = v.n
                    explained.status = v.status
                    if v.status != .insufficient { a = c.curve.attainmentExact(Rational(v.value), direction: direction) }
                }
            case .outlet:
                var sum = Rational.zero
                var days = 0
                for s in segments {
                    let v = outletKPIs[s.outlet]?[c.kpi]
                    var input = PayoutExplanation.OutletInput(
                        outlet: s.outlet, days: s.days, value: v?.value, n: v?.n,
                        status: v?.status, attainment: nil, used: false)
                    if let v, v.status != .insufficient {
                        let sa = c.curve.attainmentExact(Rational(v.value), direction: direction)
                        sum += Rational(s.days) * sa
                        days += s.days
                        input.attainment = sa.decimal
                        input.used = true
                    }
                    explained.inputs.append(input)
                }
                if days > 0 { a = sum / Rational(days) }
            }
            if a == nil {
                switch c.insufficient {
                case .redistribute:
                    explained.kept = false
                    explained.why = "insufficient: dropped, weights renormalised (redistribute)"
                    dropped.append(c.kpi)
                case .target:
                    a = Rational.hundred
                    explained.why = "insufficient: counted at 100 (target)"
                    notes.append("\(c.kpi) insufficient, counted at 100")
                case .zero:
                    a = .zero
                    explained.why = "insufficient: counted at 0 (zero)"
                    notes.append("\(c.kpi) insufficient, counted at 0")
                }
            }
            if let a {
                explained.attainment = a.decimal
                weighted += Rational(c.weight) * a
                weights += Rational(c.weight)
            }
            components.append(explained)
        }
        if !dropped.isEmpty { notes.insert(dropped.joined(separator: ", ") + " insufficient, dropped", at: 0) }

        // 4. Score.
        var uncapped: Rational?
        var score = Rational.zero
        if weights.isZero {
            notes.append("every component insufficient: score 0")
        } else {
            let s = weighted / weights
            uncapped = s
            let cap = Rational(plan.cap)
            score = cap < s ? cap : s
            if cap < s { notes.append("score capped at \(plan.cap)%") }
        }

        // 5. Prorated target.
        var prorated = Rational.zero
        for s in segments {
            if let tb = s.targetBonus { prorated += Rational(tb) * Rational(s.days) / Rational(D) }
        }
        if segments.contains(where: { $0.targetBonus == nil }) { notes.append("no target bonus for some days") }

        // Gates.
        var fired: [PayoutExplanation.FiredGate] = []
        var multiplier = Rational.one
        for g in plan.gates {
            var hit: (String, Decimal)?
            switch g.level {
            case .staff:
                if let v = staffKPIs[g.kpi], v.status != .insufficient, g.when.holds(for: v.value) { hit = (person.employeeNo, v.value) }
            case .outlet:
                var seen = Set<String>()
                for s in segments where seen.insert(s.outlet).inserted {
                    if let v = outletKPIs[s.outlet]?[g.kpi], v.status != .insufficient, g.when.holds(for: v.value) {
                        hit = (s.outlet, v.value)
                        break
                    }
                }
            }
            if let (subject, value) = hit {
                let m = g.effect.multiplier
                multiplier *= Rational(m)
                fired.append(
                    .init(
                        kpi: g.kpi, level: g.level, condition: g.when.description, subject: subject,
                        value: value, multiplier: m))
                notes.append("gate \(g.kpi) \(g.when) at \(subject): × \(m)")
            }
        }

        // 6. Payout.
        let payoutExact = prorated * score / Rational.hundred * multiplier
        let payout = payoutExact.rounded(scale: 2)
        let proratedD = prorated.decimal
        let scoreD = score.decimal
        let formula = "\(proratedD.fixed(2)) × \(scoreD.fixed(4))% × \(multiplier.decimal) = \(payout.fixed(2))"
        let explanation = PayoutExplanation(
            employeeNo: person.employeeNo, name: person.name, plan: plan.code, period: period.description,
            currency: plan.currency, periodDays: D, segments: segments, components: components, gates: fired,
            uncappedScorePct: uncapped?.decimal, cap: plan.cap, scorePct: scoreD, proratedTarget: proratedD,
            multiplier: multiplier.decimal, payout: payout, formula: formula, notes: notes)
        return PayoutResult(
            proratedTarget: proratedD, scorePct: scoreD, payout: payout,
            note: notes.joined(separator: "; "), explanation: explanation)
    }
}
