/// Where a planned visit stands. A visit is an outlet × template version × time window ×
/// auditor; it moves planned → assigned → in progress → submitted, or ends expired or cancelled.
public enum VisitState: String, Sendable, Hashable, CaseIterable, Codable {
    case planned
    case assigned
    case inProgress = "in_progress"
    case submitted
    case expired
    case cancelled

    /// Whether the visit has ended (nothing moves it any more).
    public var isFinal: Bool { self == .submitted || self == .expired || self == .cancelled }

    /// The state after `event`, or nil when the event is not allowed from this state.
    /// `submit` is allowed from `assigned` (an upload without a recorded start) and, only
    /// when head office accepts late visits, from `expired`.
    public func after(_ event: VisitEvent, lateVisitsAccepted: Bool = false) -> VisitState? {
        switch (self, event) {
        case (.planned, .assign), (.assigned, .assign): .assigned
        case (.assigned, .unassign): .planned
        case (.assigned, .start), (.inProgress, .start): .inProgress
        case (.assigned, .submit), (.inProgress, .submit): .submitted
        case (.expired, .submit): lateVisitsAccepted ? .submitted : nil
        case (.planned, .expire), (.assigned, .expire), (.inProgress, .expire): .expired
        case (.planned, .cancel), (.assigned, .cancel), (.inProgress, .cancel): .cancelled
        default: nil
        }
    }
}

extension VisitState {
    /// Whether a visit in this state whose window's last day is `windowTo` has expired on
    /// `today` (both in the tenant's time zone): its window ended before today and it is still
    /// open (planned, assigned or in progress). The store applies the same rule in SQL when it
    /// lists visits, before auto-assignment and in the scheduled batch.
    public func expires(windowTo: CivilDate, today: CivilDate) -> Bool {
        after(.expire) != nil && windowTo < today
    }
}

/// What happens to a visit.
public enum VisitEvent: String, Sendable, Hashable, CaseIterable {
    /// An auditor is assigned (or replaced).
    case assign
    /// The assignment is withdrawn.
    case unassign
    /// The auditor's device records the start of the visit.
    case start
    /// The audit of the visit arrives.
    case submit
    /// The window closed without an audit.
    case expire
    /// Head office cancels the visit.
    case cancel
}
