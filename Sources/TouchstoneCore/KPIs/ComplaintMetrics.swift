public import Foundation

/// Complaint severity.
public enum Severity: String, Sendable, Hashable, Codable, CaseIterable {
    case high, medium, low
}

/// Tenant SLA hours per severity (default 24 / 48 / 72).
public struct SLAPolicy: Sendable, Hashable, Codable {
    public var high: Int
    public var medium: Int
    public var low: Int

    public init(high: Int = 24, medium: Int = 48, low: Int = 72) {
        self.high = high
        self.medium = medium
        self.low = low
    }

    /// The default 24 / 48 / 72 hours.
    public static let `default` = SLAPolicy()

    /// Hours allowed for `severity`.
    public func hours(for severity: Severity) -> Int {
        switch severity {
        case .high: return high
        case .medium: return medium
        case .low: return low
        }
    }
}

/// One complaint.
public struct Complaint: Sendable, Hashable, Codable {
    public var severity: Severity
    public var openedAt: Date
    public var firstResponseAt: Date?
    public var resolvedAt: Date?

    public init(severity: Severity, openedAt: Date, firstResponseAt: Date? = nil, resolvedAt: Date? = nil) {
        self.severity = severity
        self.openedAt = openedAt
        self.firstResponseAt = firstResponseAt
        self.resolvedAt = resolvedAt
    }

    /// opened_at + SLA hours.
    public func deadline(_ policy: SLAPolicy) -> Date {
        openedAt.addingTimeInterval(TimeInterval(policy.hours(for: severity) * 3600))
    }
}

/// Reference implementations of the complaint metrics (rules.md §3); nil when n = 0.
public enum ComplaintMetrics {
    /// Number of complaints (lower is better).
    public static func count(_ complaints: [Complaint]) -> MetricValue? {
        complaints.isEmpty ? nil : MetricValue(value: Decimal(complaints.count), n: complaints.count)
    }

    /// Whether the complaint is decided as of `asOf`, and if so whether it met the SLA.
    /// Resolved: decided, within when resolved_at <= deadline. Unresolved: decided (missed)
    /// when deadline <= asOf; otherwise undecided (nil).
    public static func outcome(_ c: Complaint, policy: SLAPolicy, asOf: Date) -> Bool? {
        let deadline = c.deadline(policy)
        if let resolved = c.resolvedAt { return resolved <= deadline }
        return deadline <= asOf ? false : nil
    }

    /// 100 × within SLA / decided.
    public static func slaRate(_ complaints: [Complaint], policy: SLAPolicy = .default, asOf: Date) -> MetricValue? {
        let decided = complaints.compactMap { outcome($0, policy: policy, asOf: asOf) }
        guard !decided.isEmpty else { return nil }
        let within = decided.filter { $0 }.count
        return MetricValue(value: (Rational.hundred * Rational(within) / Rational(decided.count)).decimal, n: decided.count)
    }

    /// Exact minutes between two instants (to the millisecond).
    static func minutes(from a: Date, to b: Date) -> Rational {
        let ms = ((b.timeIntervalSince1970 - a.timeIntervalSince1970) * 1000).rounded()
        return Rational(Int(ms)) / Rational(60_000)
    }

    /// Median minutes from opened to first response over complaints with a first response
    /// (even count: mean of the two middle values).
    public static func firstResponseP50(_ complaints: [Complaint]) -> MetricValue? {
        let mins = complaints.compactMap { c in c.firstResponseAt.map { minutes(from: c.openedAt, to: $0) } }.sorted()
        guard !mins.isEmpty else { return nil }
        let mid = mins.count / 2
        let median = mins.count % 2 == 1 ? mins[mid] : (mins[mid - 1] + mins[mid]) / Rational(2)
        return MetricValue(value: median.decimal, n: mins.count)
    }

    /// The complaint metric named by `metric`; nil for other metrics or n = 0.
    public static func value(_ metric: Metric, complaints: [Complaint], policy: SLAPolicy = .default, asOf: Date) -> MetricValue? {
        switch metric {
        case .complaintCount: return count(complaints)
        case .complaintSLARate: return slaRate(complaints, policy: policy, asOf: asOf)
        case .complaintFirstResponseP50: return firstResponseP50(complaints)
        default: return nil
        }
    }
}
