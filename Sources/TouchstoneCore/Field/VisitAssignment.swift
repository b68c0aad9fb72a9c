/// An auditor who can be sent on visits.
public struct FieldAuditor: Sendable, Hashable {
    /// The auditor's login (what visits and audits name).
    public var login: String
    /// Region paths the auditor may be sent to (each with its subtree); empty means anywhere.
    public var regions: [String]
    /// Outlets where the auditor is on the staff list (never sent there).
    public var staffOf: Set<String>

    public init(login: String, regions: [String] = [], staffOf: Set<String> = []) {
        self.login = login
        self.regions = regions
        self.staffOf = staffOf
    }
}

/// A visit waiting for an auditor.
public struct OpenVisit: Sendable, Hashable {
    public var id: String
    public var outlet: String
    /// The outlet's region path.
    public var region: String
    /// The first day of the visit's window (tenant time); rotation is measured from it.
    public var windowStart: CivilDate

    public init(id: String, outlet: String, region: String, windowStart: CivilDate) {
        self.id = id
        self.outlet = outlet
        self.region = region
        self.windowStart = windowStart
    }
}

/// A visit an auditor made or is already assigned to: what rotation is measured against.
public struct PastVisit: Sendable, Hashable {
    public var auditor: String
    public var outlet: String
    public var date: CivilDate

    public init(auditor: String, outlet: String, date: CivilDate) {
        self.auditor = auditor
        self.outlet = outlet
        self.date = date
    }
}

/// Why an auditor may not take a visit (the first that applies, in this order).
public enum AssignmentExclusion: String, Sendable, Hashable, CaseIterable, Comparable {
    /// The auditor is on the outlet's staff list.
    case staffOfOutlet = "staff_of_outlet"
    /// The outlet is outside the auditor's regions.
    case outsideRegions = "outside_regions"
    /// The auditor visited (or will visit) the outlet within the rotation interval.
    case rotation
    /// The auditor already has the most visits the rules allow.
    case capacity

    public static func < (a: AssignmentExclusion, b: AssignmentExclusion) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// What auto-assignment decided for one visit.
public enum VisitAssignmentOutcome: Sendable, Hashable {
    case assigned(auditor: String)
    /// No auditor may go; how many auditors each exclusion kept away.
    case unassigned(excluded: [AssignmentExclusion: Int])

    /// The reason in words, for a page, a CSV or an API answer (nil when assigned).
    public var reason: String? {
        guard case .unassigned(let excluded) = self else { return nil }
        if excluded.isEmpty { return "no auditors" }
        let parts = excluded.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key.rawValue)" }
        return "no auditor may go: " + parts.joined(separator: ", ")
    }
}

/// Auto-assignment of visits to auditors under a tenant's ``RotationRules``.
///
/// Deterministic: the same inputs give the same assignment, whatever their order. Visits are
/// taken by window start, then outlet, then id; each goes to the eligible auditor with the
/// fewest visits (already assigned ones counted in `load`), ties to the smaller login. An
/// auditor is eligible when not on the outlet's staff list, the outlet is inside one of their
/// regions, no visit of theirs to the outlet (past, already assigned, or assigned earlier in
/// this run) is within the rotation interval, and they are under the cap.
public enum VisitAssignment {
    /// The outcome for every visit, by visit id.
    public static func assign(
        _ visits: [OpenVisit], auditors: [FieldAuditor], history: [PastVisit], load: [String: Int] = [:], rules: RotationRules
    ) -> [String: VisitAssignmentOutcome] {
        let auditors = auditors.sorted { $0.login < $1.login }
        var visitsBy: [String: [String: [CivilDate]]] = [:]  // auditor → outlet → dates
        for past in history { visitsBy[past.auditor, default: [:]][past.outlet, default: []].append(past.date) }
        var load = load
        var outcomes: [String: VisitAssignmentOutcome] = [:]
        let ordered = visits.sorted { ($0.windowStart, $0.outlet, $0.id) < ($1.windowStart, $1.outlet, $1.id) }
        for visit in ordered {
            var excluded: [AssignmentExclusion: Int] = [:]
            var chosen: FieldAuditor?
            for auditor in auditors {
                if let exclusion = exclusion(
                    of: auditor, from: visit, visits: visitsBy[auditor.login]?[visit.outlet] ?? [],
                    load: load[auditor.login] ?? 0, rules: rules)
                {
                    excluded[exclusion, default: 0] += 1
                } else if chosen == nil || (load[auditor.login] ?? 0) < (load[chosen!.login] ?? 0) {
                    chosen = auditor
                }
            }
            if let chosen {
                outcomes[visit.id] = .assigned(auditor: chosen.login)
                load[chosen.login, default: 0] += 1
                visitsBy[chosen.login, default: [:]][visit.outlet, default: []].append(visit.windowStart)
            } else {
                outcomes[visit.id] = .unassigned(excluded: excluded)
            }
        }
        return outcomes
    }

    /// Why `auditor` may not take `visit`, or nil when they may. `visits` are the auditor's
    /// visits to the same outlet.
    public static func exclusion(
        of auditor: FieldAuditor, from visit: OpenVisit, visits: [CivilDate], load: Int, rules: RotationRules
    ) -> AssignmentExclusion? {
        if auditor.staffOf.contains(visit.outlet) { return .staffOfOutlet }
        if !auditor.regions.isEmpty && !auditor.regions.contains(where: { RegionSubtree.contains(visit.region, root: $0) }) {
            return .outsideRegions
        }
        if visits.contains(where: { rules.tooClose($0, visit.windowStart) }) { return .rotation }
        if let cap = rules.maxVisitsPerAuditor, load >= cap { return .capacity }
        return nil
    }
}
