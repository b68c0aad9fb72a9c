public import Foundation

/// A planned visit as an audit upload sees it.
public struct PlannedVisit: Sendable, Hashable {
    public var id: String
    public var outlet: String
    public var template: String
    public var templateVersion: Int
    /// The auditor's login, or nil while unassigned.
    public var auditor: String?
    /// The window as instants: from its first moment to the end of its last day (tenant time).
    public var windowStart: Date
    public var windowEnd: Date
    public var state: VisitState
    /// The audit that fulfilled the visit, once submitted.
    public var auditID: String?

    public init(
        id: String, outlet: String, template: String, templateVersion: Int, auditor: String?, windowStart: Date,
        windowEnd: Date, state: VisitState, auditID: String? = nil
    ) {
        self.id = id
        self.outlet = outlet
        self.template = template
        self.templateVersion = templateVersion
        self.auditor = auditor
        self.windowStart = windowStart
        self.windowEnd = windowEnd
        self.state = state
        self.auditID = auditID
    }

    /// Whether `instant` lies inside the window.
    public func windowContains(_ instant: Date) -> Bool { instant >= windowStart && instant < windowEnd }
}

/// The rule for an audit upload that names its visit.
///
/// Refused, with the path `visit`: a visit of another outlet, another template version or
/// another auditor, a cancelled visit, and a visit already fulfilled by another audit. A visit
/// made outside its window is refused too, unless the tenant accepts late visits: then it is
/// accepted and carries the ``TrustFlag/outsideWindow`` flag.
public enum VisitUploadCheck {
    /// What the upload may do with the visit.
    public enum Outcome: Sendable, Hashable {
        /// Accepted; `outsideWindow` when it was made outside the window (late visits accepted).
        case accepted(outsideWindow: Bool)
        /// The same audit again (an idempotent retry): nothing changes.
        case alreadyFulfilled
    }

    /// Checks `audit` against `visit`, throwing a ``ValidationFailure`` at `visit`; times in
    /// messages are in `timeZone` (the tenant's).
    public static func check(
        _ audit: AuditDocument, against visit: PlannedVisit, lateVisitsAccepted: Bool, timeZone: TimeZone
    ) throws(ValidationFailure) -> Outcome {
        func refuse(_ message: String) -> ValidationFailure { ValidationFailure(path: "visit", message: message) }
        if visit.auditID == audit.id { return .alreadyFulfilled }
        if visit.outlet != audit.outlet {
            throw refuse("visit \(visit.id) is at outlet \(visit.outlet), not \(audit.outlet)")
        }
        if visit.template != audit.template || visit.templateVersion != audit.templateVersion {
            throw refuse(
                "visit \(visit.id) is for template \(visit.template) v\(visit.templateVersion), not \(audit.template) v\(audit.templateVersion)")
        }
        guard let assigned = visit.auditor else { throw refuse("visit \(visit.id) has no auditor assigned") }
        if assigned != audit.auditor { throw refuse("visit \(visit.id) is assigned to another auditor") }
        switch visit.state {
        case .cancelled: throw refuse("visit \(visit.id) was cancelled")
        case .submitted: throw refuse("visit \(visit.id) was already fulfilled by another audit")
        case .planned: throw refuse("visit \(visit.id) has no auditor assigned")
        case .assigned, .inProgress, .expired: break
        }
        let inside = visit.windowContains(audit.visitedAt)
        if !inside && !lateVisitsAccepted {
            throw refuse(
                "visit \(visit.id) must be made between \(Instant.format(visit.windowStart, in: timeZone)) and \(Instant.format(visit.windowEnd, in: timeZone)); this audit was made at \(audit.visitedAtText)"
            )
        }
        if visit.state == .expired && !lateVisitsAccepted { throw refuse("visit \(visit.id) expired") }
        return .accepted(outsideWindow: !inside)
    }
}
