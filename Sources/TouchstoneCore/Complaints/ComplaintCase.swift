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

    /// The one state each state moves forward to (only an unsatisfied callback sends a case
    /// back: ``ComplaintCases/outcome(of:satisfied:)``).
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

    /// The transitions a case in `state` may take, in order: its next state, and for a received
    /// case also `first_response` (answered before it is assigned).
    public static func transitions(from state: CaseState) -> [CaseState] {
        (state.next.map { [$0] } ?? []) + (state == .received ? [.firstResponse] : [])
    }

    /// Why a transition is refused; nil when `from` may move to `to`. A received case may be
    /// answered before it is assigned (`first_response` assigns it to the responder), and a
    /// callback needs `satisfied`.
    public static func problem(from: CaseState, to: CaseState, satisfied: Bool?) -> String? {
        if !transitions(from: from).contains(to) {
            let article = from.rawValue.first.map { "aeiou".contains($0) } == true ? "an" : "a"
            return from == .closed
                ? "the case is closed" : "\(article) \(from.rawValue) case moves to \(from.next!.rawValue), not \(to.rawValue)"
        }
        if to == .callback && satisfied == nil { return "a callback needs satisfied (true or false)" }
        if to != .callback && satisfied != nil { return "satisfied goes with the callback only" }
        return nil
    }

    /// The state a case is in after the transition to `to`: `to` itself, except a callback whose
    /// customer is not satisfied, which reopens the case: it goes back to `assigned`, unresolved
    /// again, and must be resolved again (docs/complaints.md "Reopening").
    public static func outcome(of to: CaseState, satisfied: Bool?) -> CaseState {
        reopens(to: to, satisfied: satisfied) ? .assigned : to
    }

    /// Whether the transition to `to` reopens the case (an unsatisfied callback).
    public static func reopens(to: CaseState, satisfied: Bool?) -> Bool {
        to == .callback && satisfied == false
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
