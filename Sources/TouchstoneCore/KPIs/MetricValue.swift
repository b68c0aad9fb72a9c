public import Foundation

/// A metric's unrounded value and its sample size n (the count in the denominator).
public struct MetricValue: Sendable, Hashable, Codable {
    public var value: Decimal
    public var n: Int

    public init(value: Decimal, n: Int) {
        self.value = value
        self.n = n
    }
}

/// Reference implementations of the audit metrics over scored audits (rules.md §4).
/// Each returns nil when n = 0 (the subject has no row).
public enum AuditMetrics {
    /// The metric over `audits` (already filtered to counted audits of the KPI's template).
    public static func value(_ metric: Metric, audits: [AuditScore]) -> MetricValue? {
        switch metric {
        case .auditScore: return mean(audits.map(\.overall))
        case .auditSection(let code): return mean(audits.map { $0.section(code) })
        case .auditDimension(let d): return mean(audits.map { $0.dimension(d) })
        case .auditCriticalFailures:
            guard !audits.isEmpty else { return nil }
            return MetricValue(value: Decimal(audits.filter(\.criticalFailure).count), n: audits.count)
        default: return nil
        }
    }

    /// Mean of the non-nil values (unrounded), n = their count.
    public static func mean(_ values: [Decimal?]) -> MetricValue? {
        let present = values.compactMap { $0 }
        guard !present.isEmpty else { return nil }
        let sum = present.reduce(Rational.zero) { $0 + Rational($1) }
        return MetricValue(value: (sum / Rational(present.count)).decimal, n: present.count)
    }
}
