public import Foundation

/// Whose KPI value a component or gate reads.
public enum PlanLevel: String, Sendable, Hashable, Codable, CaseIterable {
    case staff, outlet
}

/// What an insufficient component counts as.
public enum InsufficientPolicy: String, Sendable, Hashable, Codable, CaseIterable {
    /// Drop it; the other weights are renormalised (default).
    case redistribute
    /// Count it at 100.
    case target
    /// Count it at 0.
    case zero
}

/// One weighted KPI of a plan.
public struct PlanComponent: Sendable, Hashable, Codable {
    public var kpi: String
    public var level: PlanLevel
    /// Relative weight, > 0.
    public var weight: Decimal
    public var curve: Curve
    public var insufficient: InsufficientPolicy

    public init(kpi: String, level: PlanLevel, weight: Decimal, curve: Curve, insufficient: InsufficientPolicy = .redistribute) {
        self.kpi = kpi
        self.level = level
        self.weight = weight
        self.curve = curve
        self.insufficient = insufficient
    }
}

/// Comparison of a gate condition.
public enum Comparison: String, Sendable, Hashable, Codable, CaseIterable {
    case gt, ge, lt, le, eq

    /// The operator symbol (`>`, `>=`, …).
    public var symbol: String {
        switch self {
        case .gt: return ">"
        case .ge: return ">="
        case .lt: return "<"
        case .le: return "<="
        case .eq: return "="
        }
    }
}

/// `{gt|ge|lt|le|eq: x}`.
public struct GateCondition: Sendable, Hashable, Codable, CustomStringConvertible {
    public var comparison: Comparison
    public var value: Decimal

    public init(_ comparison: Comparison, _ value: Decimal) {
        self.comparison = comparison
        self.value = value
    }

    /// Whether `v` satisfies the condition.
    public func holds(for v: Decimal) -> Bool {
        switch comparison {
        case .gt: return v > value
        case .ge: return v >= value
        case .lt: return v < value
        case .le: return v <= value
        case .eq: return v == value
        }
    }

    /// `> 2`.
    public var description: String { comparison.symbol + " " + value.description }
}

/// A gate's effect on the payout.
public enum GateEffect: Sendable, Hashable, Codable {
    /// The payout is 0.
    case zero
    /// The payout is multiplied by m.
    case multiply(Decimal)

    /// The multiplier (0 for `zero`).
    public var multiplier: Decimal {
        switch self {
        case .zero: return 0
        case .multiply(let m): return m
        }
    }
}

/// `{kpi, level, when, effect}`.
public struct Gate: Sendable, Hashable, Codable {
    public var kpi: String
    public var level: PlanLevel
    public var when: GateCondition
    public var effect: GateEffect

    public init(kpi: String, level: PlanLevel, when: GateCondition, effect: GateEffect) {
        self.kpi = kpi
        self.level = level
        self.when = when
        self.effect = effect
    }
}

/// An incentive plan (formats.md "Plan", rules.md §5).
public struct Plan: Sendable, Hashable, Codable {
    public var code: String
    /// Defaults to the code.
    public var name: String
    /// Staff roles the plan pays.
    public var roles: [String]
    public var period: Period.Kind
    public var currency: String
    /// Default full-period target bonus when an assignment has none.
    public var targetBonus: Decimal?
    /// Score cap in percent (default 150).
    public var cap: Decimal
    public var components: [PlanComponent]
    public var gates: [Gate]

    public init(
        code: String, name: String? = nil, roles: [String], period: Period.Kind, currency: String,
        targetBonus: Decimal? = nil, cap: Decimal = 150, components: [PlanComponent], gates: [Gate] = []
    ) {
        self.code = code
        self.name = name ?? code
        self.roles = roles
        self.period = period
        self.currency = currency
        self.targetBonus = targetBonus
        self.cap = cap
        self.components = components
        self.gates = gates
    }
}
