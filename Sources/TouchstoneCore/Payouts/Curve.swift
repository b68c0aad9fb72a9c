public import Foundation

/// A linear attainment curve (rules.md §5).
public struct LinearCurve: Sendable, Hashable, Codable {
    public var threshold: Decimal
    public var target: Decimal
    /// nil: no upside beyond the target (values at or past the target earn 100).
    public var stretch: Decimal?
    /// Attainment at the threshold (default 50).
    public var atThreshold: Decimal
    /// Attainment at and past the stretch (default 150).
    public var atStretch: Decimal

    public init(threshold: Decimal, target: Decimal, stretch: Decimal?, atThreshold: Decimal = 50, atStretch: Decimal = 150) {
        self.threshold = threshold
        self.target = target
        self.stretch = stretch
        self.atThreshold = atThreshold
        self.atStretch = atStretch
    }
}

/// One step of a tiers curve.
public struct Tier: Sendable, Hashable, Codable {
    public var from: Decimal
    public var pct: Decimal

    public init(from: Decimal, pct: Decimal) {
        self.from = from
        self.pct = pct
    }
}

/// Maps a KPI value to an attainment percent.
public enum Curve: Sendable, Hashable, Codable {
    case linear(LinearCurve)
    case tiers([Tier])

    /// Attainment percent of `value` (unrounded) for a KPI of `direction`.
    public func attainment(value: Decimal, direction: Direction) -> Decimal {
        attainmentExact(Rational(value), direction: direction).decimal
    }

    func attainmentExact(_ v: Rational, direction: Direction) -> Rational {
        switch self {
        case .linear(let c):
            // Mirror `lower` into `higher` by negating every value.
            let sign = direction == .higher ? Rational.one : -Rational.one
            let x = sign * v
            let t = sign * Rational(c.threshold)
            let g = sign * Rational(c.target)
            let aT = Rational(c.atThreshold)
            let aS = Rational(c.atStretch)
            if x < t { return .zero }
            if x < g { return aT + (x - t) / (g - t) * (Rational.hundred - aT) }
            guard let stretch = c.stretch else { return Rational.hundred }
            let s = sign * Rational(stretch)
            if x < s { return Rational.hundred + (x - g) / (s - g) * (aS - Rational.hundred) }
            return aS
        case .tiers(let tiers):
            let value = v
            let candidates = tiers.filter { direction == .higher ? Rational($0.from) <= value : Rational($0.from) >= value }
            let pick =
                direction == .higher
                ? candidates.max { Rational($0.from) < Rational($1.from) }
                : candidates.min { Rational($0.from) < Rational($1.from) }
            return pick.map { Rational($0.pct) } ?? .zero
        }
    }
}

/// Attainment of `value` on `curve` for `direction` (same as `curve.attainment`).
public func attainment(_ curve: Curve, value: Decimal, direction: Direction) -> Decimal {
    curve.attainment(value: value, direction: direction)
}
