public import Foundation

/// Audit states (formats.md): `submitted` → `released` → `disputed` → `final`; a reviewer may
/// also send an audit back (`returned`, re-upload allowed) or reject it.
public enum AuditState: String, Sendable, Codable, Equatable, CaseIterable {
    case submitted, returned, released, disputed, final, rejected
}

/// What a reviewer does with a submitted audit.
public enum ReviewAction: String, Sendable, Codable, Equatable, CaseIterable {
    case release, reject, sendBack

    /// The state the audit moves to.
    public var target: AuditState {
        switch self {
        case .release: return .released
        case .reject: return .rejected
        case .sendBack: return .returned
        }
    }
}

/// One item an outlet manager disputes, with the answer it proposes.
public struct DisputedItem: Sendable, Codable, Equatable {
    public var item: String
    public var reason: String
    public var proposedAnswer: Answer?

    public init(item: String, reason: String, proposedAnswer: Answer? = nil) {
        self.item = item
        self.reason = reason
        self.proposedAnswer = proposedAnswer
    }
}

/// Why the workflow refuses a change.
public enum AuditWorkflowRefusal: Error, Equatable, Sendable {
    case notReviewable(AuditState)
    case evidenceMissing([String])
    case notDisputable(AuditState)
    case disputeWindowClosed(deadline: Date)
    case nothingToDecide(AuditState)

    /// What the caller is told, naming the audit (and the deadline in the tenant's time zone).
    public func message(audit id: String, timeZone: TimeZone) -> String {
        switch self {
        case .notReviewable(let state):
            return "audit \(id) is \(state.rawValue); only a submitted audit can be reviewed"
        case .evidenceMissing(let items):
            return "audit \(id) cannot be released: required evidence missing for \(items.joined(separator: ", "))"
        case .notDisputable(let state):
            return "audit \(id) is \(state.rawValue); only a released audit can be disputed"
        case .disputeWindowClosed(let deadline):
            return "the dispute window of audit \(id) closed at \(Instant.format(deadline, in: timeZone))"
        case .nothingToDecide(let state):
            return "audit \(id) is \(state.rawValue); there is no dispute to decide"
        }
    }
}

/// The audit workflow (formats.md "Audit states") as pure decisions: the store reads the facts,
/// asks here, and persists what comes back.
public enum AuditWorkflow {
    /// Whether an arriving (or re-submitted, or newly complete) audit is released at once: only
    /// when its template asks for no review, it raised no trust flag (a flagged audit waits for a
    /// reviewer, who sees why) and every required photo is there.
    public static func releasesOnArrival(requireReview: Bool, flags: [TrustFlag], missingEvidence: [String]) -> Bool {
        !requireReview && flags.isEmpty && missingEvidence.isEmpty
    }

    /// The state an arriving audit takes.
    public static func stateOnArrival(requireReview: Bool, flags: [TrustFlag], missingEvidence: [String]) -> AuditState {
        releasesOnArrival(requireReview: requireReview, flags: flags, missingEvidence: missingEvidence) ? .released : .submitted
    }

    /// The state after a reviewer's `action`: only a submitted audit is reviewed, and it is
    /// released only with every required photo present.
    public static func review(
        _ state: AuditState, action: ReviewAction, missingEvidence: [String]
    ) throws(AuditWorkflowRefusal) -> AuditState {
        guard state == .submitted else { throw .notReviewable(state) }
        if action == .release, !missingEvidence.isEmpty { throw .evidenceMissing(missingEvidence) }
        return action.target
    }

    /// The last instant a released audit may be disputed: `disputeDays` × 24 hours after release.
    public static func disputeDeadline(releasedAt: Date, disputeDays: Int) -> Date {
        releasedAt.addingTimeInterval(TimeInterval(disputeDays) * 86_400)
    }

    /// The state after a dispute is opened at `now`: only a released audit, inside its window.
    public static func dispute(
        _ state: AuditState, releasedAt: Date?, disputeDays: Int, now: Date
    ) throws(AuditWorkflowRefusal) -> AuditState {
        guard state == .released, let releasedAt else { throw .notDisputable(state) }
        let deadline = disputeDeadline(releasedAt: releasedAt, disputeDays: disputeDays)
        guard now <= deadline else { throw .disputeWindowClosed(deadline: deadline) }
        return .disputed
    }

    /// Problems with the disputed items: at least one, each a scored item of the template named
    /// once, with a reason, and a proposed answer the template accepts.
    public static func disputeProblems(_ items: [DisputedItem], template: Template, answers: [String: Answer]) -> [Problem] {
        var problems: [Problem] = items.isEmpty ? [Problem(path: "items", message: "name at least one item")] : []
        var seen = Set<String>()
        for (i, disputed) in items.enumerated() {
            let path = "items[\(i)]"
            guard let item = template.item(disputed.item), item.type.isScored else {
                problems.append(Problem(path: path + ".item", message: "\"\(disputed.item)\" is not a scored item of the template"))
                continue
            }
            if !seen.insert(disputed.item).inserted { problems.append(Problem(path: path + ".item", message: "disputed twice")) }
            if disputed.reason.isEmpty { problems.append(Problem(path: path + ".reason", message: "a reason is required")) }
            if let proposed = disputed.proposedAnswer {
                problems += answerProblems(
                    template: template, answers: answers, item: disputed.item, answer: proposed, path: path + ".proposedAnswer")
            }
        }
        return problems
    }

    /// Checks that a dispute decision is possible: the audit must be disputed.
    public static func decide(_ state: AuditState) throws(AuditWorkflowRefusal) {
        guard state == .disputed else { throw .nothingToDecide(state) }
    }

    /// The state once a decision is taken: `final` when no dispute is open any more.
    public static func afterDecision(openDisputesLeft: Bool) -> AuditState {
        openDisputesLeft ? .disputed : .final
    }

    /// Problems of `answer` for `item` given the audit's other answers (the document validation,
    /// reported at `path`).
    public static func answerProblems(
        template: Template, answers: [String: Answer], item: String, answer: Answer, path: String
    ) -> [Problem] {
        var answers = answers
        answers[item] = answer
        let probe = AuditDocument(
            id: "", template: template.code, templateVersion: template.version, outlet: "",
            visitedAt: Date(), visitedAtText: "", auditor: "", answers: answers)
        return validate(probe, against: template).filter { $0.path == "answers." + item }
            .map { Problem(path: path, message: $0.message) }
    }
}
