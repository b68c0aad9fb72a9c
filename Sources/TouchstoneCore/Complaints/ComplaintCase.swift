public import Foundation

/// The states of a complaint case (docs/complaints.md), in order.
public enum CaseState: String, Sendable, Hashable, Codable, CaseIterable {
    case received
    case assigned
    case firstResponse = "first_response"
    case resolved
    case callback
    case closed

    /// The state an imported complaint starts in, from the times it carries.
    public static func imported(firstResponseAt: Date?, resolvedAt: Date?) -> CaseState {
        resolvedAt != nil ? .resolved : firstResponseAt != nil ? .firstResponse : .received
    }

    /// The one state each state moves to (a case never goes back).
    public var next: CaseState? {
        switch self {
        case .received: .assigned
        case .assigned: .firstResponse
        case .firstResponse: .resolved
        case .resolved: .callback
        case .callback: .closed
        case .closed: nil
        }
    }
}

/// The workflow of complaint cases that needs no database: transitions, the time limit and the
/// escalation point (docs/complaints.md).
public enum ComplaintCases {
    /// The share of the time limit after which an unresolved case is escalated to the region
    /// manager: it "will breach within its limit" unless someone acts (75 %).
    public static let escalationShare = 0.75

    /// Why a transition is refused; nil when `from` may move to `to`. A received case may be
    /// answered before it is assigned (`first_response` assigns it to the responder), and a
    /// callback needs `satisfied`.
    public static func problem(from: CaseState, to: CaseState, satisfied: Bool?) -> String? {
        let allowed = from.next == to || (from == .received && to == .firstResponse)
        if !allowed {
            return from == .closed
                ? "the case is closed" : "a \(from.rawValue) case moves to \(from.next!.rawValue), not \(to.rawValue)"
        }
        if to == .callback && satisfied == nil { return "a callback needs satisfied (true or false)" }
        if to != .callback && satisfied != nil { return "satisfied goes with the callback only" }
        return nil
    }

    /// When the case breaches: opened + the tenant's hours for its severity.
    public static func deadline(severity: Severity, openedAt: Date, sla: SLAPolicy) -> Date {
        openedAt.addingTimeInterval(TimeInterval(sla.hours(for: severity) * 3600))
    }

    /// When an unresolved case is escalated: opened + 75 % of its limit.
    public static func escalationPoint(severity: Severity, openedAt: Date, sla: SLAPolicy) -> Date {
        openedAt.addingTimeInterval(TimeInterval(sla.hours(for: severity) * 3600) * escalationShare)
    }

    /// Whether a case is to be escalated at `now`: not resolved and past its escalation point.
    public static func escalates(severity: Severity, openedAt: Date, resolvedAt: Date?, sla: SLAPolicy, now: Date) -> Bool {
        resolvedAt == nil && now >= escalationPoint(severity: severity, openedAt: openedAt, sla: sla)
    }

    /// Whether a case breached at `now`: resolved after its deadline, or unresolved at or past it
    /// (the same rule as the opener of corrective actions, docs/actions.md).
    public static func breached(severity: Severity, openedAt: Date, resolvedAt: Date?, sla: SLAPolicy, now: Date) -> Bool {
        let deadline = deadline(severity: severity, openedAt: openedAt, sla: sla)
        if let resolvedAt { return resolvedAt > deadline }
        return now >= deadline
    }
}
