public import Foundation
import PQ
public import TouchstoneCore

/// A complaint case as stored (docs/complaints.md).
public struct ComplaintCase: Sendable, Equatable, Codable {
    public let id: String
    public let outlet: String
    public let region: String
    public let severity: Severity
    public let state: CaseState
    public let openedAt: Date
    public let firstResponseAt: Date?
    public let resolvedAt: Date?
    public let assignee: String?
    public let satisfied: Bool?
    public let escalatedAt: Date?
    /// When it breaches (opened + the tenant's hours) and when it is escalated unresolved.
    public let deadline: Date
    public let escalatesAt: Date
}

/// Which cases a list or a read sees: the caller's reach (a region subtree) and the page's filters.
public struct ComplaintFilter: Sendable, Hashable {
    /// Only outlets under this region path (a region manager's subtree).
    public var within: String?
    public var outlet: String?
    /// Only cases in this state (the effective one: an untouched import's is the one its times give).
    public var state: CaseState?
    public var offset: Int
    public var limit: Int

    public init(within: String? = nil, outlet: String? = nil, state: CaseState? = nil, offset: Int = 0, limit: Int = 200) {
        self.within = within
        self.outlet = outlet
        self.state = state
        self.offset = offset
        self.limit = limit
    }

    /// The filter of `principal`'s reach for ``Action/readComplaints`` (nil: it reads none).
    public static func reach(of principal: Principal) -> ComplaintFilter? {
        switch principal.reach(for: .readComplaints) {
        case .tenant?: ComplaintFilter()
        case .region(let path)?: ComplaintFilter(within: path)
        case .outlet?, .employee?, .submitter?, .agency?, nil: nil
        }
    }
}

/// Complaint cases: created by the call centre or imported, moved through their states, escalated
/// and breached by the sweep. Every transition is a row of complaint_transitions.
public enum ComplaintCaseQueries {
    /// Who the sweep records as the actor of escalations.
    public static let system = "system"

    /// Creates a case `received` at `now` for outlet `outlet` (its code); `id` defaults to `TS-<uuid>`.
    public static func create(
        tenant: Tenant, id: String?, outlet: String, severity: Severity, comment: String?, actor: String, now: Date = Date(),
        database: Database
    ) async throws -> ComplaintCase {
        let id = id?.trimmingCharacters(in: .whitespaces) ?? "TS-\(UUID().uuidString.lowercased())"
        guard !id.isEmpty else { throw StoreError.invalid([Problem(path: "id", message: "must not be empty")]) }
        return try await database.tenantTransaction(tenant) { conn in
            guard
                try conn.queryFirst(
                    """
                    WITH made AS (
                        INSERT INTO complaints (tenant_id, complaint_id, outlet_id, severity, opened_at, state, created_by)
                        SELECT o.tenant_id, \(id), o.id, \(severity.rawValue), \(now)::timestamptz, 'received', \(actor)
                        FROM outlets o WHERE o.code = \(outlet)
                        ON CONFLICT (tenant_id, complaint_id) DO NOTHING
                        RETURNING tenant_id, complaint_id)
                    INSERT INTO complaint_transitions (tenant_id, complaint_id, seq, at, actor, from_state, to_state, comment)
                    SELECT tenant_id, complaint_id, 1, \(now)::timestamptz, \(actor), NULL, 'received', \(comment) FROM made
                    RETURNING complaint_id
                    """) != nil
            else {
                if try conn.queryFirst("SELECT 1 FROM outlets WHERE code = \(outlet)") == nil {
                    throw StoreError.invalid([Problem(path: "outlet", message: "no outlet \(outlet)")])
                }
                throw StoreError.conflict("complaint \(id) exists already")
            }
            return try get(conn, id: id, sla: tenant.sla)!
        }
    }

    /// Moves case `id` to `to` at `now` (docs/complaints.md "States"); `first_response`
    /// and `resolved` stamp the complaint's times the KPIs read; a callback whose customer is not
    /// satisfied reopens the case (back to `assigned`, `resolved_at` cleared: a second row
    /// records the reopening). Then sweeps this case only.
    public static func transition(
        tenant: Tenant, id: String, to: CaseState, satisfied: Bool?, assignee: String?, comment: String?, actor: String,
        now: Date = Date(), database: Database
    ) async throws -> ComplaintCase {
        try await database.tenantTransaction(tenant) { conn in
            guard let current = try get(conn, id: id, sla: tenant.sla, lock: true) else { throw StoreError.notFound("complaint \(id)") }
            if let problem = ComplaintCases.problem(from: current.state, to: to, satisfied: satisfied) {
                throw StoreError.invalid([Problem(path: "to", message: problem)])
            }
            if now < current.openedAt { throw StoreError.invalid([Problem(path: "at", message: "before the complaint was opened")]) }
            let assignee = to == .assigned || to == .firstResponse ? (assignee ?? current.assignee ?? actor) : current.assignee
            let reopens = ComplaintCases.reopens(to: to, satisfied: satisfied)
            // Reopened (an unsatisfied callback), the case is unresolved again: resolved_at is
            // stamped anew by its next resolution.
            try conn.execute(
                """
                UPDATE complaints SET state = \(ComplaintCases.outcome(of: to, satisfied: satisfied).rawValue), assignee = \(assignee),
                       first_response_at = CASE WHEN \(to.rawValue) = 'first_response' THEN \(now)::timestamptz ELSE first_response_at END,
                       resolved_at = CASE WHEN \(to.rawValue) = 'resolved' THEN \(now)::timestamptz WHEN \(reopens) THEN NULL ELSE resolved_at END,
                       callback_satisfied = CASE WHEN \(to.rawValue) = 'callback' THEN \(satisfied) ELSE callback_satisfied END
                WHERE complaint_id = \(id)
                """)
            let note = to == .callback ? (satisfied == true ? "satisfied" : "not satisfied") + (comment.map { ": \($0)" } ?? "") : comment
            try record(conn, id: id, at: now, actor: actor, from: current.state, to: to, comment: note)
            if reopens {
                try record(conn, id: id, at: now, actor: actor, from: to, to: .assigned, comment: "reopened: the customer is not satisfied")
            }
            try sweep(conn, ids: [id], sla: tenant.sla, now: now)
            return try get(conn, id: id, sla: tenant.sla)!
        }
    }

    /// Escalates every unresolved case past its escalation point (once: `complaint.escalated`)
    /// and opens a corrective action for every case that breached (once per complaint); the
    /// number escalated. The daemon's scheduled run calls it; tests pass `now`. A reopened case
    /// is unresolved again: escalated if it never was, breached past its deadline.
    @discardableResult
    public static func sweep(tenant: Tenant, now: Date = Date(), database: Database) async throws -> Int {
        try await database.tenantTransaction(tenant) { conn in try sweep(conn, ids: nil, sla: tenant.sla, now: now) }
    }

    /// The sweep of cases `ids` (nil: every case of the tenant): after a transition, the one case it moved.
    @discardableResult
    static func sweep(_ conn: PQConnection, ids: [String]?, sla: SLAPolicy, now: Date) throws -> Int {
        let returned: [String] = try conn.query(
            """
            UPDATE complaints c SET escalated_at = \(now)::timestamptz
            FROM tenants t
            WHERE t.id = c.tenant_id AND c.escalated_at IS NULL AND c.resolved_at IS NULL
              AND (\(ids)::text[] IS NULL OR c.complaint_id = ANY (\(ids)::text[]))
              AND c.opened_at + \(unsafeRaw: limitHoursSQL) * \(unsafeRaw: String(ComplaintCases.escalationShare)) * interval '1 hour'
                  <= \(now)::timestamptz
            RETURNING c.complaint_id
            """
        ).map { try $0.decode(String.self) }
        let escalated = returned.sorted()
        for id in escalated {
            let c = try get(conn, id: id, sla: sla)!
            try record(conn, id: id, at: now, actor: system, from: c.state, to: c.state, comment: "escalated to the region manager of \(c.region)")
            try OutboxQueries.emit(
                .complaintEscalated(
                    complaint: id, outlet: c.outlet, region: c.region, severity: c.severity.rawValue, state: c.state.rawValue,
                    deadline: c.deadline, at: now),
                on: conn)
        }
        try ActionOpening.breachedComplaints(conn, among: ids.map { .cases($0) } ?? .all, asOf: now, now: now)
        return escalated.count
    }

    /// Case `id` when it lies within `filter`'s reach (its `within`), or nil.
    public static func get(
        tenant: Tenant, id: String, filter: ComplaintFilter = ComplaintFilter(), database: Database
    ) async throws
        -> ComplaintCase?
    {
        try await database.tenantTransaction(tenant, readOnly: true) { conn in
            try get(conn, id: id, sla: tenant.sla).flatMap { found in
                (filter.within.map { RegionSubtree.contains(found.region, root: $0) } ?? true) ? found : nil
            }
        }
    }

    /// The cases not closed (imported ones included) within `filter`, earliest deadline first:
    /// the `filter.limit` from `filter.offset`, and how many there are in all.
    public static func open(
        tenant: Tenant, filter: ComplaintFilter = ComplaintFilter(), database: Database
    ) async throws
        -> (cases: [ComplaintCase], total: Int)
    {
        try await database.tenantTransaction(tenant, readOnly: true) { conn in
            let rows = try conn.query(
                """
                SELECT \(unsafeRaw: columns), count(*) OVER () \(unsafeRaw: cases)
                JOIN tenants t ON t.id = c.tenant_id
                WHERE \(unsafeRaw: stateSQL) <> 'closed'
                  AND (\(filter.within)::text IS NULL OR app_in_region_subtree(r.path, \(filter.within)))
                  AND (\(filter.outlet)::text IS NULL OR o.code = \(filter.outlet))
                  AND (\(filter.state?.rawValue)::text IS NULL OR \(unsafeRaw: stateSQL) = \(filter.state?.rawValue))
                ORDER BY c.opened_at + \(unsafeRaw: limitHoursSQL) * interval '1 hour', c.complaint_id
                OFFSET \(filter.offset) LIMIT \(filter.limit)
                """)
            let total = try rows.first.map { try $0.decode(11, as: Int.self) } ?? 0
            return (try rows.map { try decode($0, sla: tenant.sla) }, total)
        }
    }

    /// The transitions of case `id`: (at, actor, from, to, comment), in order.
    public static func transitions(
        tenant: Tenant, id: String, database: Database
    ) async throws
        -> [(at: Date, actor: String, from: String?, to: String, comment: String?)]
    {
        try await database.tenantTransaction(tenant, readOnly: true) { conn in
            try conn.query(
                "SELECT at, actor, from_state, to_state, comment FROM complaint_transitions WHERE complaint_id = \(id) ORDER BY seq"
            ).map { try $0.decode((Date, String, String?, String, String?).self) }
        }
    }

    // MARK: -

    /// The hours of the time limit of complaint `c` (the tenant `t`'s for its severity: `Tenant.sla`).
    static let limitHoursSQL =
        "(CASE c.severity WHEN 'high' THEN t.sla_high_hours WHEN 'medium' THEN t.sla_medium_hours ELSE t.sla_low_hours END)"

    /// The effective state: the stored one, else (imported, untouched) the one its times give.
    static let stateSQL =
        "COALESCE(c.state, CASE WHEN c.resolved_at IS NOT NULL THEN 'resolved' WHEN c.first_response_at IS NOT NULL THEN 'first_response' ELSE 'received' END)"

    private static let columns = """
        c.complaint_id, o.code, r.path, c.severity, \(stateSQL), c.opened_at, c.first_response_at, c.resolved_at,
        c.assignee, c.callback_satisfied, c.escalated_at
        """

    private static let cases = """
        FROM complaints c JOIN outlets o ON o.tenant_id = c.tenant_id AND o.id = c.outlet_id
        JOIN regions r ON r.tenant_id = o.tenant_id AND r.id = o.region_id
        """

    private static let select = "SELECT \(columns) \(cases)"

    static func get(_ conn: PQConnection, id: String, sla: SLAPolicy, lock: Bool = false) throws -> ComplaintCase? {
        try conn.queryFirst("\(unsafeRaw: select) WHERE c.complaint_id = \(id) \(unsafeRaw: lock ? "FOR UPDATE OF c" : "")")
            .map { try decode($0, sla: sla) }
    }

    private static func decode(_ row: PQRow, sla: SLAPolicy) throws -> ComplaintCase {
        let (id, outlet, region, severityText, stateText, openedAt, firstResponseAt, resolvedAt, assignee, satisfied, escalatedAt) =
            try row.decode((String, String, String, String, String, Date, Date?, Date?, String?, Bool?, Date?).self)
        let severity = Severity(rawValue: severityText)!
        return ComplaintCase(
            id: id, outlet: outlet, region: region,
            severity: severity, state: CaseState(rawValue: stateText)!, openedAt: openedAt,
            firstResponseAt: firstResponseAt, resolvedAt: resolvedAt,
            assignee: assignee, satisfied: satisfied,
            escalatedAt: escalatedAt,
            deadline: ComplaintCases.deadline(severity: severity, openedAt: openedAt, sla: sla),
            escalatesAt: ComplaintCases.escalationPoint(severity: severity, openedAt: openedAt, sla: sla))
    }

    private static func record(_ conn: PQConnection, id: String, at: Date, actor: String, from: CaseState?, to: CaseState, comment: String?) throws {
        try conn.execute(
            """
            INSERT INTO complaint_transitions (tenant_id, complaint_id, seq, at, actor, from_state, to_state, comment)
            SELECT app_current_tenant(), \(id), COALESCE(max(seq), 0) + 1, \(at)::timestamptz, \(actor), \(from?.rawValue), \(to.rawValue), \(comment)
            FROM complaint_transitions WHERE complaint_id = \(id)
            """)
    }
}
