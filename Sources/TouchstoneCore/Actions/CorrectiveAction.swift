public import Foundation

/// Where a corrective action (整改) stands (docs/actions.md). It moves
/// open → in progress → submitted → verified, or from submitted back to reopened (and on to
/// in progress or submitted again). Verified is where it ends, unless head office reopens it.
public enum ActionState: String, Sendable, Hashable, CaseIterable, Codable {
    case open
    case inProgress = "in_progress"
    case submitted
    case verified
    case reopened

    /// Whether the outlet still has to do something (every state but submitted and verified).
    public var awaitsOutlet: Bool { self == .open || self == .inProgress || self == .reopened }

    /// The state after `step`, or nil when the step is not allowed from this state.
    /// `submit` is allowed straight from open and reopened too (the work and the evidence in one go).
    /// `autoVerify` (a later audit passed the item) closes an action in any state but verified.
    public func after(_ step: ActionStep) -> ActionState? {
        switch (self, step) {
        case (.open, .start), (.reopened, .start): .inProgress
        case (.open, .submit), (.inProgress, .submit), (.reopened, .submit): .submitted
        case (.submitted, .verify): .verified
        case (.submitted, .reopen), (.verified, .reopen): .reopened
        case (.open, .autoVerify), (.inProgress, .autoVerify), (.submitted, .autoVerify), (.reopened, .autoVerify): .verified
        default: nil
        }
    }
}

/// What someone does to a corrective action.
public enum ActionStep: String, Sendable, Hashable, CaseIterable, Codable {
    /// The outlet starts working on it.
    case start
    /// The outlet says it is done, with a comment and (optionally) photo evidence.
    case submit
    /// Head office or the region manager accepts the outlet's work.
    case verify
    /// Head office or the region manager sends it back (a comment says why).
    case reopen
    /// A later released audit of the same outlet passed the same item (the system, nobody's hand).
    case autoVerify = "auto_verify"

    /// The permission the step needs (nil: only the system takes it).
    public var permission: Action? {
        switch self {
        case .start, .submit: .workOnActions
        case .verify, .reopen: .verifyActions
        case .autoVerify: nil
        }
    }

    /// Whether the step needs a non-empty comment (submitting says what was done, reopening why).
    public var needsComment: Bool { self == .submit || self == .reopen }
}

/// What opened a corrective action.
public enum ActionSource: String, Sendable, Hashable, CaseIterable, Codable {
    /// A failed item of a released audit (critical, or marked `"action": true` in the template).
    case audit
    /// An outlet KPI that turned red in a batch.
    case kpi
    /// A complaint that breached its time limit.
    case complaint
    /// Opened by hand (head office, a region manager).
    case manual
}

/// How many days an action has, per source × severity: the tenant's settings over the defaults
/// (docs/actions.md "Due dates"). The due instant is the opening instant plus that many days.
public struct ActionDueDays: Sendable, Hashable {
    /// source → severity → days.
    public private(set) var days: [ActionSource: [Severity: Int]]

    /// The defaults: audit findings 3 / 7 / 14 days (high / medium / low), red KPIs 14 / 30 / 30,
    /// breached complaints 2 / 5 / 10, actions opened by hand 7 / 14 / 30.
    public static let defaults = ActionDueDays(days: [
        .audit: [.high: 3, .medium: 7, .low: 14],
        .kpi: [.high: 14, .medium: 30, .low: 30],
        .complaint: [.high: 2, .medium: 5, .low: 10],
        .manual: [.high: 7, .medium: 14, .low: 30],
    ])

    private init(days: [ActionSource: [Severity: Int]]) {
        self.days = days
    }

    /// The defaults with `overrides` (source, severity, days) applied.
    /// - Throws: ``ValidationFailure`` when a day count is outside 1…365.
    public init(overrides: [(source: ActionSource, severity: Severity, days: Int)]) throws {
        var table = Self.defaults.days
        var problems: [Problem] = []
        var seen = Set<String>()
        for o in overrides {
            let path = "\(o.source.rawValue).\(o.severity.rawValue)"
            if !(1...365).contains(o.days) {
                problems.append(Problem(path: path, message: "must be 1..365 days, not \(o.days)"))
            }
            if !seen.insert(path).inserted {
                problems.append(Problem(path: path, message: "given twice"))
            }
            table[o.source, default: [:]][o.severity] = o.days
        }
        guard problems.isEmpty else { throw ValidationFailure(problems: problems) }
        self.days = table
    }

    /// Days for `source` at `severity`.
    public func days(_ source: ActionSource, _ severity: Severity) -> Int {
        days[source]?[severity] ?? Self.defaults.days[source]![severity]!
    }

    /// The due instant of an action opened at `openedAt`.
    public func due(_ source: ActionSource, _ severity: Severity, openedAt: Date) -> Date {
        openedAt.addingTimeInterval(TimeInterval(days(source, severity)) * 86_400)
    }

    /// Every source × severity with its days, in a fixed order (for SQL arrays and settings pages).
    public var rows: [(source: ActionSource, severity: Severity, days: Int)] {
        ActionSource.allCases.flatMap { s in Severity.allCases.map { (s, $0, days(s, $0)) } }
    }
}

/// The rules of corrective actions that need no database: overdue, and what an audit opens or closes.
public enum CorrectiveActions {
    /// Overdue: past its due instant (strictly) and not verified.
    public static func isOverdue(state: ActionState, due: Date, asOf: Date) -> Bool {
        state != .verified && due < asOf
    }

    /// One failed item of a released audit that opens an action, with the action's severity.
    public struct Finding: Sendable, Hashable {
        public var item: String
        public var severity: Severity

        public init(item: String, severity: Severity) {
            self.item = item
            self.severity = severity
        }
    }

    /// The items of a released audit that open an action: every failed critical item (section or
    /// audit level; severity high) and every failed item the template marks `"action": true`
    /// (severity medium), in template order.
    public static func findings(template: Template, score: AuditScore) -> [Finding] {
        score.items.compactMap { result in
            guard result.failed else { return nil }
            if result.critical != nil { return Finding(item: result.code, severity: .high) }
            return template.item(result.code)?.action == true ? Finding(item: result.code, severity: .medium) : nil
        }
    }

    /// The items a released audit passed (counted and not failed): open audit actions of the same
    /// outlet on these items, from earlier audits, are verified automatically.
    public static func passedItems(score: AuditScore) -> [String] {
        score.items.filter { $0.possible != nil && !$0.failed }.map(\.code)
    }

    /// An open audit action that a release may verify.
    public struct OpenAuditAction<Outlet: Hashable & Sendable>: Sendable {
        public var outlet: Outlet
        public var item: String
        /// The audit that opened it, and when that audit's visit took place.
        public var openedBy: String
        public var openerVisitedAt: Date

        public init(outlet: Outlet, item: String, openedBy: String, openerVisitedAt: Date) {
            self.outlet = outlet
            self.item = item
            self.openedBy = openedBy
            self.openerVisitedAt = openerVisitedAt
        }
    }

    /// A released audit as verification reads it: where and when the visit took place, and the
    /// items it passed (``passedItems(score:)``).
    public struct ReleasedVisit<Outlet: Hashable & Sendable>: Sendable {
        public var audit: String
        public var outlet: Outlet
        public var visitedAt: Date
        public var passed: Set<String>

        public init(audit: String, outlet: Outlet, visitedAt: Date, passed: Set<String>) {
            self.audit = audit
            self.outlet = outlet
            self.visitedAt = visitedAt
            self.passed = passed
        }
    }

    /// Which of `releases` (audits released one after another, in this order) verifies each of
    /// `actions`: the first that passed the action's item at its outlet, visited after the audit
    /// that opened it, and, when that audit is one of `releases`, released after it.
    /// - Returns: per action, the index in `releases` of the audit that verifies it, or nil.
    public static func verifiers<Outlet>(of actions: [OpenAuditAction<Outlet>], among releases: [ReleasedVisit<Outlet>]) -> [Int?] {
        var atOutlet: [Outlet: [Int]] = [:]
        var position: [String: Int] = [:]
        for (index, release) in releases.enumerated() {
            atOutlet[release.outlet, default: []].append(index)
            position[release.audit.lowercased()] = position[release.audit.lowercased()] ?? index
        }
        return actions.map { action in
            let opener = position[action.openedBy.lowercased()] ?? -1
            return atOutlet[action.outlet]?.first { index in
                index > opener && releases[index].visitedAt > action.openerVisitedAt && releases[index].passed.contains(action.item)
            }
        }
    }

    /// Whether a complaint breached its time limit as of `asOf` (the opposite of "within SLA" in
    /// rules.md §3): resolved after its deadline, or still unresolved when the deadline has passed.
    public static func breached(_ complaint: Complaint, policy: SLAPolicy, asOf: Date) -> Bool {
        ComplaintMetrics.outcome(complaint, policy: policy, asOf: asOf) == false
    }
}

/// What the action metrics read of one corrective action.
public struct ActionFacts: Sendable, Hashable {
    public var openedAt: Date
    public var dueAt: Date
    /// When it was (last) verified; nil while not verified.
    public var verifiedAt: Date?

    public init(openedAt: Date, dueAt: Date, verifiedAt: Date? = nil) {
        self.openedAt = openedAt
        self.dueAt = dueAt
        self.verifiedAt = verifiedAt
    }
}

/// Reference implementations of the corrective action metrics (docs/actions.md "KPI metrics"),
/// the oracle of the batch's SQL; nil when n = 0.
public enum ActionMetrics {
    /// `action.closure_on_time`: of the actions due in [`start`, `end`) that are decided as of
    /// `asOf` (verified by then, or their due instant at or before it), 100 × those verified at or
    /// before their due instant / the decided ones. n = the decided ones.
    public static func closureOnTime(_ actions: [ActionFacts], start: Date, end: Date, asOf: Date) -> MetricValue? {
        let due = actions.filter { $0.dueAt >= start && $0.dueAt < end }
        let verified = { (a: ActionFacts) -> Date? in a.verifiedAt.flatMap { $0 <= asOf ? $0 : nil } }
        let decided = due.filter { verified($0) != nil || $0.dueAt <= asOf }
        guard !decided.isEmpty else { return nil }
        let onTime = decided.filter { a in verified(a).map { $0 <= a.dueAt } ?? false }.count
        return MetricValue(value: (Rational.hundred * Rational(onTime) / Rational(decided.count)).decimal, n: decided.count)
    }

    /// `action.open_overdue`: of the actions opened at or before `asOf`, the number not verified
    /// by then whose due instant is before it. n = the actions opened at or before `asOf`.
    public static func openOverdue(_ actions: [ActionFacts], asOf: Date) -> MetricValue? {
        let opened = actions.filter { $0.openedAt <= asOf }
        guard !opened.isEmpty else { return nil }
        let overdue = opened.filter { a in !(a.verifiedAt.map { $0 <= asOf } ?? false) && a.dueAt < asOf }.count
        return MetricValue(value: Decimal(overdue), n: opened.count)
    }
}
