/// Outcome of a readiness check: ready, or the reasons why not.
public struct ReadinessReport: Sendable, Hashable {
    /// Why the server is not ready (`database unreachable`, `migrations pending: 0007`); empty when ready.
    public var reasons: [String]

    /// `true` when there are no reasons.
    public var isReady: Bool { self.reasons.isEmpty }

    /// Creates a report.
    /// - Parameter reasons: Why the server is not ready; empty means ready.
    public init(reasons: [String] = []) {
        self.reasons = reasons
    }

    /// A ready report.
    public static var ready: Self { .init() }

    /// A not-ready report.
    /// - Parameter reasons: Why the server is not ready.
    public static func notReady(_ reasons: String...) -> Self { .init(reasons: reasons) }
}
