import Foundation
import TouchstoneCore

/// A payout explanation laid out as rules.md §5's formula with its numbers: segments and the
/// prorated target, each component's value and attainment, the weighted score and cap, the
/// gates, and the payout.
struct PayoutFormulaView: Sendable {
    struct Segment: Sendable {
        let outlet: String
        let role: String
        let span: String
        let days: Int
        let targetBonus: String
    }

    struct Component: Sendable {
        let kpi: String
        let level: String
        let weight: String
        let value: String
        let n: String
        let status: String
        let attainment: String
        let kept: Bool
        let why: String
        let inputs: [String]
    }

    let plan: String
    let period: String
    let periodDays: Int
    let currency: String
    let segments: [Segment]
    let proratedFormula: String
    let components: [Component]
    let scoreFormula: String
    let gates: [String]
    let notes: [String]
    let payoutFormula: String
    let payout: String
    let adjustment: String?

    init(_ e: PayoutExplanation) {
        plan = e.plan
        period = e.period
        periodDays = e.periodDays
        currency = e.currency
        segments = e.segments.map {
            Segment(outlet: $0.outlet, role: $0.role, span: "\($0.start) … \($0.end)", days: $0.days, targetBonus: $0.targetBonus?.fixed(2) ?? "—")
        }
        let terms = e.segments.map { "\(($0.targetBonus ?? 0).fixed(2)) × \($0.days)/\(e.periodDays)" }
        proratedFormula = (terms.isEmpty ? "0" : terms.joined(separator: " + ")) + " = \(e.proratedTarget.fixed(2))"
        components = e.components.map { c in
            Component(
                kpi: c.kpi, level: c.level.rawValue, weight: "\(c.weight)", value: c.value?.fixed(2) ?? "—", n: c.n.map(String.init) ?? "—",
                status: c.status?.rawValue ?? "", attainment: c.attainment.map { $0.fixed(4) + "%" } ?? "—", kept: c.kept, why: c.why,
                inputs: c.inputs.map { i in
                    let value = i.value.map { "\($0.fixed(2)) (n \(i.n ?? 0), \(i.status?.rawValue ?? ""))" } ?? "—"
                    return "\(i.outlet) · \(i.days)d · \(value) → " + (i.attainment.map { $0.fixed(4) + "%" } ?? "—")
                })
        }
        let kept = e.components.filter { $0.kept && $0.attainment != nil }
        let weights = kept.reduce(Decimal(0)) { $0 + $1.weight }
        let uncapped = e.uncappedScorePct.map { $0.fixed(4) + "%" } ?? "—"
        scoreFormula =
            kept.isEmpty
            ? "—"
            : "(" + kept.map { "\($0.weight) × \($0.attainment!.fixed(4))" }.joined(separator: " + ") + ") / \(weights) = \(uncapped)"
                + "; min(\(e.cap)%, \(uncapped)) = \(e.scorePct.fixed(4))%"
        gates = e.gates.map { "\($0.kpi) (\($0.level.rawValue) \($0.subject) = \($0.value.fixed(2)), \($0.condition)) × \($0.multiplier)" }
        notes = e.notes
        payoutFormula = e.formula
        payout = e.payout.fixed(2)
        adjustment = e.adjustment?.text
    }
}
