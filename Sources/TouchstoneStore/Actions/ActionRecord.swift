public import Foundation
public import TouchstoneCore

/// A corrective action as stored (`actions`), with its outlet's region and, when read one at a
/// time, its transitions and evidence.
public struct ActionRecord: Sendable, Hashable, Codable {
    public var id: Int64
    public var outlet: String
    public var outletName: String
    public var region: String
    public var source: ActionSource
    /// The source's link: the audit and item, the KPI and period, or the complaint.
    public var audit: String?
    public var item: String?
    public var kpi: String?
    public var period: String?
    public var complaint: String?
    public var severity: Severity
    public var title: String
    public var owner: String?
    public var state: ActionState
    public var openedAt: Date
    public var openedBy: String
    public var dueAt: Date
    public var verifiedAt: Date?
    /// Past due and not verified, as of the read.
    public var overdue: Bool
    /// Oldest first (only when read one at a time).
    public var transitions: [ActionTransition]?
    public var evidence: [ActionEvidence]?
}

/// One state change of an action.
public struct ActionTransition: Sendable, Hashable, Codable {
    public var seq: Int
    public var at: Date
    public var actor: String
    public var from: ActionState?
    public var to: ActionState
    public var comment: String?
}

/// A photo (or PDF) the outlet attached, stored with its sha256.
public struct ActionEvidence: Sendable, Hashable, Codable {
    public var name: String
    public var sha256: String
    public var contentType: String
    public var size: Int
}

/// Evidence bytes as the outlet sends them.
public struct ActionPhoto: Sendable, Hashable {
    public var name: String
    public var contentType: String
    public var content: Data

    public init(name: String, contentType: String, content: Data) {
        self.name = name
        self.contentType = contentType
        self.content = content
    }
}

/// Which actions a list reads: the caller's reach (a region subtree or one outlet) and filters.
public struct ActionFilter: Sendable, Hashable {
    /// Only outlets under this region path (a region manager's subtree, or a filter).
    public var within: String?
    public var outlet: String?
    public var states: [ActionState]?
    public var source: ActionSource?
    /// Only overdue (true) or only not overdue (false) actions.
    public var overdue: Bool?
    /// Ids greater than this (the cursor).
    public var after: Int64?
    public var limit: Int

    public init(
        within: String? = nil, outlet: String? = nil, states: [ActionState]? = nil, source: ActionSource? = nil,
        overdue: Bool? = nil, after: Int64? = nil, limit: Int = 100
    ) {
        self.within = within
        self.outlet = outlet
        self.states = states
        self.source = source
        self.overdue = overdue
        self.after = after
        self.limit = limit
    }

    /// The filter of `principal`'s reach for ``Action/readActions`` (nil: it reads none).
    public static func reach(of principal: Principal) -> ActionFilter? {
        switch principal.reach(for: .readActions) {
        case .tenant?: ActionFilter()
        case .region(let path)?: ActionFilter(within: path)
        case .outlet(let code)?: ActionFilter(outlet: code)
        case .employee?, .submitter?, .agency?, nil: nil
        }
    }
}

/// One region's line on head office's board.
public struct ActionBoardLine: Sendable, Hashable, Codable {
    public var region: String
    /// Open, in progress or reopened (the outlet's to do).
    public var open: Int
    public var submitted: Int
    public var verified: Int
    /// Of the not verified ones, past due.
    public var overdue: Int
}
