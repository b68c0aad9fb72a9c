public import Foundation

/// Why a payout is what it is: every input and step (rules.md §5), as JSON for the API
/// and as text for `touchstone explain`.
public struct PayoutExplanation: Sendable, Hashable, Codable {
    /// One clipped assignment.
    public struct Segment: Sendable, Hashable, Codable {
        public var outlet: String
        public var role: String
        public var start: CivilDate
        public var end: CivilDate
        /// d_s, both ends included.
        public var days: Int
        /// The target bonus used (assignment's, else the plan's; nil when neither has one).
        public var targetBonus: Decimal?
    }

    /// One outlet input of an outlet-level component.
    public struct OutletInput: Sendable, Hashable, Codable {
        public var outlet: String
        public var days: Int
        public var value: Decimal?
        public var n: Int?
        public var status: KPIStatus?
        /// Attainment of this outlet's value; nil when left out.
        public var attainment: Decimal?
        /// Counted in the day-weighted mean.
        public var used: Bool
    }

    /// One component.
    public struct Component: Sendable, Hashable, Codable {
        public var kpi: String
        public var level: PlanLevel
        public var weight: Decimal
        /// The staff value (staff level only).
        public var value: Decimal?
        public var n: Int?
        public var status: KPIStatus?
        /// The attainment counted (after the insufficient policy); nil when dropped.
        public var attainment: Decimal?
        /// Counted in the score.
        public var kept: Bool
        /// `counted`, or what the insufficient policy did.
        public var why: String
        /// Per-segment inputs (outlet level only).
        public var inputs: [OutletInput]
    }

    /// A gate that fired.
    public struct FiredGate: Sendable, Hashable, Codable {
        public var kpi: String
        public var level: PlanLevel
        public var condition: String
        /// Employee number or outlet code whose value met the condition.
        public var subject: String
        public var value: Decimal
        public var multiplier: Decimal
    }

    /// What an adjustment row pays (rules.md §6): a closed period recomputed with the events
    /// that arrived after it closed, less what was already paid for it.
    public struct Adjustment: Sendable, Hashable, Codable {
        /// The closed period adjusted.
        public var period: String
        /// The payout the closed period gives now.
        public var recomputed: Decimal
        /// Paid for it so far: its own row and earlier adjustments.
        public var paid: Decimal
        /// recomputed − paid: what this row pays.
        public var difference: Decimal

        public init(period: String, recomputed: Decimal, paid: Decimal) {
            self.period = period
            self.recomputed = recomputed
            self.paid = paid
            difference = recomputed - paid
        }

        /// `Adjustment of 2026-09 (late events): recomputed 1806.22 − paid 1976.89 = -170.67`.
        public var text: String {
            "Adjustment of \(period) (late events): recomputed \(recomputed.fixed(2)) − paid \(paid.fixed(2)) = \(difference.fixed(2))"
        }
    }

    public var employeeNo: String
    public var name: String
    public var plan: String
    public var period: String
    public var currency: String
    /// D.
    public var periodDays: Int
    public var segments: [Segment]
    public var components: [Component]
    public var gates: [FiredGate]
    /// Σ w·a / Σ w before the cap (unrounded); nil when every component was dropped.
    public var uncappedScorePct: Decimal?
    public var cap: Decimal
    public var scorePct: Decimal
    public var proratedTarget: Decimal
    /// Product of the fired gates' multipliers (1 when none).
    public var multiplier: Decimal
    public var payout: Decimal
    /// `2133.33 × 92.6667% × 1 = 1976.89`.
    public var formula: String
    /// Notes such as dropped components; empty when nothing notable.
    public var notes: [String]
    /// Set on an adjustment row: the explanation above is the closed period recomputed.
    public var adjustment: Adjustment? = nil

    /// A multi-line human rendering.
    public var text: String {
        var lines: [String] = []
        lines.append("\(employeeNo) \(name) — plan \(plan), period \(period) (D = \(periodDays) days), \(currency)")
        lines.append("Segments:")
        for s in segments {
            let tb = s.targetBonus.map { $0.fixed(2) } ?? "none"
            lines.append("  \(s.outlet) \(s.role) \(s.start)…\(s.end): \(s.days) days, target bonus \(tb)")
        }
        lines.append(
            "Prorated target = "
                + (segments.isEmpty
                    ? "0"
                    : segments.map {
                        "\(($0.targetBonus ?? 0).fixed(2)) × \($0.days)/\(periodDays)"
                    }.joined(separator: " + ")) + " = \(proratedTarget.fixed(2))")
        lines.append("Components:")
        for c in components {
            var head = "  \(c.kpi) (\(c.level.rawValue), weight \(c.weight))"
            if let v = c.value { head += ": value \(v.fixed(2)), n \(c.n ?? 0), \(c.status?.rawValue ?? "")" }
            head += " → " + (c.attainment.map { "attainment \($0.fixed(4))%" } ?? "no attainment") + " [\(c.why)]"
            lines.append(head)
            for i in c.inputs {
                let v = i.value.map { "value \($0.fixed(2)), n \(i.n ?? 0), \(i.status?.rawValue ?? "")" } ?? "no value"
                let a = i.attainment.map { "attainment \($0.fixed(4))%" } ?? "left out"
                lines.append("    \(i.outlet) \(i.days) days: \(v) → \(a)")
            }
        }
        let uncapped = uncappedScorePct.map { $0.fixed(4) + "%" } ?? "none (every component dropped)"
        lines.append("Score = \(uncapped), cap \(cap)% → \(scorePct.fixed(4))%")
        if gates.isEmpty {
            lines.append("Gates: none fired")
        } else {
            for g in gates {
                lines.append("Gate \(g.kpi) (\(g.level.rawValue) \(g.subject) value \(g.value.fixed(2)) \(g.condition)) × \(g.multiplier)")
            }
        }
        for n in notes { lines.append("Note: \(n)") }
        lines.append("Payout = \(formula) \(currency)")
        if let adjustment { lines.append(adjustment.text + " \(currency)") }
        return lines.joined(separator: "\n")
    }
}

/// One payout row (rules.md §5) with its explanation.
public struct PayoutResult: Sendable, Hashable, Codable {
    /// Σ tb_s × d_s / D (unrounded).
    public var proratedTarget: Decimal
    /// min(cap, Σ w·a / Σ w) (unrounded).
    public var scorePct: Decimal
    /// Rounded half-up to 2 decimals.
    public var payout: Decimal
    /// Short note for exports (empty when nothing notable).
    public var note: String
    public var explanation: PayoutExplanation
}
