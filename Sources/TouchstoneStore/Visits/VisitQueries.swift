import Foundation
public import PQ
public import TouchstoneCore

/// A planned visit as stored (`visits`): an outlet × template version × window of days (tenant
/// time, both ends included) × auditor.
public struct VisitRecord: Sendable, Hashable, Codable {
    public var visitID: String
    public var outlet: String
    public var template: String
    public var templateVersion: Int
    public var windowFrom: CivilDate
    public var windowTo: CivilDate
    public var auditor: String?
    public var state: VisitState
    /// Why the last auto-assignment left the visit unassigned.
    public var unassignedReason: String?
    /// The agency the visit is planned for (only its auditors are given it), nil for head office's own.
    public var agency: String?
    /// The outlet's region path (read only: set by the store).
    public var region: String?

    enum CodingKeys: String, CodingKey {
        case visitID = "id"
        case outlet, template, templateVersion, windowFrom, windowTo, auditor, state, unassignedReason, agency, region
    }

    public init(
        visitID: String, outlet: String, template: String, templateVersion: Int, windowFrom: CivilDate, windowTo: CivilDate,
        auditor: String? = nil, state: VisitState = .planned, unassignedReason: String? = nil, agency: String? = nil,
        region: String? = nil
    ) {
        self.visitID = visitID
        self.outlet = outlet
        self.template = template
        self.templateVersion = templateVersion
        self.windowFrom = windowFrom
        self.windowTo = windowTo
        self.auditor = auditor
        self.state = state
        self.unassignedReason = unassignedReason
        self.agency = agency
        self.region = region
    }
}

/// Which visits a caller sees and plans: the store's form of the caller's ``Reach`` for
/// ``Action/readVisits`` or ``Action/planVisits``, applied in SQL (`app_visit_visible`,
/// sql/0210, its agency's auditors an argument since sql/0280): head office every visit, an auditor its own, an agency coordinator those planned
/// for its agency and those held by its agency's auditors.
public struct VisitScope: Sendable, Hashable {
    let kind: String
    let value: String?

    /// Every visit (head office, the CLI).
    public static let all = VisitScope(kind: "all", value: nil)
    /// The visits assigned to `login`.
    public static func auditor(_ login: String) -> VisitScope { VisitScope(kind: "auditor", value: login) }
    /// The visits of the agency of coordinator `login`.
    public static func agency(coordinator login: String) -> VisitScope { VisitScope(kind: "agency", value: login) }

    /// The scope of `principal` for `action`, or nil when its role may not take it.
    public init?(_ principal: Principal, for action: Action) {
        switch principal.reach(for: action) {
        case .tenant?: self = .all
        case .submitter(let login)?: self = .auditor(login)
        case .agency(let login)?: self = .agency(coordinator: login)
        case .region?, .outlet?, .employee?, nil: return nil
        }
    }

    /// The scope as `app_visit_visible`'s first four arguments (sql/0280): a coordinator's agency
    /// and its auditors are sub-queries of their own, so PostgreSQL looks them up once per
    /// statement (init plans), not once per visit row.
    var arguments: Query {
        guard kind == "agency" else { return "\(kind), \(value), NULL::text, NULL::text[]" }
        return "\(kind), \(value), (SELECT app_coordinator_agency(\(value))), (SELECT app_agency_auditors(\(value)))"
    }

    /// Whether the scope is an agency coordinator's.
    public var isAgency: Bool { kind == "agency" }

    private init(kind: String, value: String?) {
        self.kind = kind
        self.value = value
    }
}

/// A visit planned by hand (`POST /api/v1/visits`, the visits page): the CSV import's columns.
public struct NewVisit: Sendable, Hashable, Decodable {
    public var id: String
    public var outlet: String
    public var template: String
    public var templateVersion: Int
    public var windowFrom: String
    public var windowTo: String
    public var auditor: String?
    public var agency: String?

    public init(
        id: String, outlet: String, template: String, templateVersion: Int, windowFrom: String, windowTo: String,
        auditor: String? = nil, agency: String? = nil
    ) {
        self.id = id
        self.outlet = outlet
        self.template = template
        self.templateVersion = templateVersion
        self.windowFrom = windowFrom
        self.windowTo = windowTo
        self.auditor = auditor
        self.agency = agency
    }
}

/// What one auto-assignment run did.
public struct VisitAssignmentRun: Sendable, Hashable {
    public struct Line: Sendable, Hashable, Encodable {
        public var visitID: String
        public var outlet: String
        /// The auditor given the visit, or nil when it stayed unassigned.
        public var auditor: String?
        /// Why it stayed unassigned.
        public var reason: String?

        enum CodingKeys: String, CodingKey {
            case visitID = "id"
            case outlet, auditor, reason
        }
    }

    public var period: Period
    /// Visits of any period whose window ended before today, now expired.
    public var expired: Int
    /// Every planned visit of the period, in the order assignment took them.
    public var lines: [Line]

    public var assigned: [Line] { lines.filter { $0.auditor != nil } }
    public var unassigned: [Line] { lines.filter { $0.auditor == nil } }
}

/// SQL for visit plans. A visit belongs to a period when its window overlaps the period's days.
public enum VisitQueries {
    /// What to list: every filter is optional.
    public struct Filter: Sendable, Hashable {
        public var period: Period?
        public var state: VisitState?
        public var auditor: String?
        public var agency: String?
        /// A region path: visits of outlets in its subtree.
        public var region: String?

        public init(
            period: Period? = nil, state: VisitState? = nil, auditor: String? = nil, agency: String? = nil, region: String? = nil
        ) {
            self.period = period
            self.state = state
            self.auditor = auditor
            self.agency = agency
            self.region = region
        }
    }

    /// The tenant's visits, by window start then visit id; optionally only those of a period,
    /// in a state or of an auditor.
    public static func list(
        tenant: Tenant, period: Period? = nil, state: VisitState? = nil, auditor: String? = nil,
        database: Database
    ) async throws -> [VisitRecord] {
        try await list(tenant: tenant, filter: Filter(period: period, state: state, auditor: auditor), database: database)
    }

    /// The visits within `scope` that pass `filter`, by window start then visit id. With
    /// `today` (tenant time) the open visits whose window ended before it expire first
    /// (``VisitState/expires(windowTo:today:)``), in the same transaction.
    public static func list(
        tenant: Tenant, scope: VisitScope = .all, filter: Filter, today: CivilDate? = nil, database: Database
    ) async throws -> [VisitRecord] {
        try await database.tenantTransaction(tenant, readOnly: today == nil) { conn in
            if let today { _ = try expire(conn, today: today) }
            return try list(conn, scope: scope, filter: filter)
        }
    }

    /// The visit `visitID`.
    public static func get(tenant: Tenant, visitID: String, database: Database) async throws -> VisitRecord {
        try await database.tenantTransaction(tenant, readOnly: true) { conn in try get(conn, scope: .all, visitID: visitID) }
    }

    /// The visit `visitID` within `scope`; one outside it is not found.
    static func get(_ conn: PQConnection, scope: VisitScope, visitID: String, lock: Bool = false) throws -> VisitRecord {
        guard
            let row = try conn.queryFirst(
                """
                \(fragment: select)
                WHERE v.visit_id = \(visitID) AND app_visit_visible(\(fragment: scope.arguments), v.auditor, v.agency_code)
                \(fragment: lock ? "FOR UPDATE OF v" : "")
                """)
        else {
            throw StoreError.notFound("visit \(visitID)")
        }
        return try VisitRecord(row: row)
    }

    static func list(_ conn: PQConnection, scope: VisitScope = .all, filter: Filter) throws -> [VisitRecord] {
        let first = filter.period?.firstDay.description
        let last = filter.period?.lastDay.description
        return try conn.query(
            """
            \(fragment: select)
             WHERE (\(last)::date IS NULL OR v.window_from <= \(last)::date)
               AND (\(first)::date IS NULL OR v.window_to >= \(first)::date)
               AND (\(filter.state?.rawValue)::text IS NULL OR v.state = \(filter.state?.rawValue))
               AND (\(filter.auditor)::text IS NULL OR v.auditor = \(filter.auditor))
               AND (\(filter.agency)::text IS NULL OR v.agency_code = \(filter.agency))
               AND (\(filter.region)::text IS NULL OR app_in_region_subtree(r.path, \(filter.region)))
               AND app_visit_visible(\(fragment: scope.arguments), v.auditor, v.agency_code)
             ORDER BY v.window_from, v.visit_id
            """
        ).decode(VisitRecord.self)
    }

    /// A visit's columns, in ``VisitRecord/init(row:)``'s order.
    private static let select: Query = """
        SELECT v.visit_id, o.code, v.template_code, v.template_version, v.window_from::text, v.window_to::text,
               v.auditor, v.state, v.unassigned_reason, v.agency_code, r.path
        FROM visits v JOIN outlets o ON o.tenant_id = v.tenant_id AND o.id = v.outlet_id
        JOIN regions r ON r.tenant_id = o.tenant_id AND r.id = o.region_id
        """

    /// Expires every open visit whose window ended before `today` (tenant time); the number expired.
    @discardableResult
    public static func expire(tenant: Tenant, today: CivilDate, database: Database) async throws -> Int {
        try await database.tenantTransaction(tenant) { conn in try expire(conn, today: today) }
    }

    static func expire(_ conn: PQConnection, today: CivilDate) throws -> Int {
        try conn.execute(
            """
            UPDATE visits SET state = 'expired', updated_at = now()
            WHERE state IN ('planned', 'assigned', 'in_progress') AND window_to < \(today.description)::date
            """)
    }

    /// Auto-assigns the planned visits of `period` under the tenant's rotation rules, in one
    /// transaction: first expires visits whose window ended before `today`, then gives each
    /// planned visit of the period an auditor (``VisitAssignment/assign``) or records why none
    /// may go. Auditors are the enabled users with role `auditor`; one with a `region_path` goes
    /// only inside that subtree; one with an `employee_no` is never sent to an outlet where that
    /// employee has an assignment overlapping the period. Rotation counts the auditor's audits
    /// of the outlet (by `audits.auditor`) and the visits they hold; load counts the visits of
    /// the period they already hold.
    ///
    /// A visit planned for an agency goes only to that agency's auditors; head office's own
    /// visits (no agency) are assigned first, to any auditor. An agency coordinator (`scope`)
    /// assigns only its agency's visits.
    public static func assign(
        tenant: Tenant, scope: VisitScope = .all, period: Period, today: CivilDate, database: Database
    ) async throws -> VisitAssignmentRun {
        try await database.tenantTransaction(tenant) { conn in
            let expired = try expire(conn, today: today)
            let onlyAgency: String? =
                scope.isAgency
                ? try conn.queryFirst("SELECT coalesce(app_coordinator_agency(\(scope.value)), '')")!.decode(String.self) : nil
            let rules = try FieldSettingsQueries.get(conn).trust.rotation
            let first = period.firstDay.description
            let last = period.lastDay.description
            var agencyOf: [String: String] = [:]  // visit id → agency
            let open = try conn.query(
                """
                SELECT v.visit_id, o.code, r.path, v.window_from::text, v.agency_code
                FROM visits v
                JOIN outlets o ON o.tenant_id = v.tenant_id AND o.id = v.outlet_id
                JOIN regions r ON r.tenant_id = o.tenant_id AND r.id = o.region_id
                WHERE v.state = 'planned' AND v.window_from <= \(last)::date AND v.window_to >= \(first)::date
                  AND (\(onlyAgency)::text IS NULL OR v.agency_code = \(onlyAgency))
                """
            ).map { row in
                let (id, outlet, region, windowFrom, agency) = try row.decode((String, String, String, String, String?).self)
                agencyOf[id] = agency
                return OpenVisit(id: id, outlet: outlet, region: region, windowStart: CivilDate(windowFrom)!)
            }
            let auditors = try conn.query(
                """
                SELECT u.login, u.region_path, u.agency_code,
                       (SELECT array_agg(DISTINCT o.code ORDER BY o.code)
                        FROM staff st
                        JOIN assignments a ON a.tenant_id = st.tenant_id AND a.staff_id = st.id
                        JOIN outlets o ON o.tenant_id = a.tenant_id AND o.id = a.outlet_id
                        WHERE st.employee_no = u.employee_no
                          AND a.start_date <= \(last)::date AND coalesce(a.end_date, 'infinity') >= \(first)::date)
                FROM users u
                WHERE u.role = 'auditor' AND NOT u.disabled
                """
            ).map { row in
                let (login, region, agency, staffOf) = try row.decode((String, String?, String?, [String]?).self)
                return (auditor: FieldAuditor(login: login, regions: region.map { [$0] } ?? [], staffOf: Set(staffOf ?? [])), agency: agency)
            }
            var history = try conn.query(
                """
                SELECT a.auditor, o.code, to_char(a.visited_at AT TIME ZONE \(tenant.timezone), 'YYYY-MM-DD')
                FROM audits a JOIN outlets o ON o.tenant_id = a.tenant_id AND o.id = a.outlet_id
                WHERE a.state <> 'rejected' AND a.auditor IN (SELECT login FROM users WHERE role = 'auditor')
                UNION ALL
                SELECT v.auditor, o.code, v.window_from::text
                FROM visits v JOIN outlets o ON o.tenant_id = v.tenant_id AND o.id = v.outlet_id
                WHERE v.auditor IS NOT NULL AND v.state IN ('assigned', 'in_progress', 'submitted')
                """
            ).map { row in
                let (auditor, outlet, date) = try row.decode((String, String, String).self)
                return PastVisit(auditor: auditor, outlet: outlet, date: CivilDate(date)!)
            }
            var load: [String: Int] = [:]
            for (auditor, count) in try conn.query(
                """
                SELECT auditor, count(*) FROM visits
                WHERE auditor IS NOT NULL AND state IN ('assigned', 'in_progress', 'submitted')
                  AND window_from <= \(last)::date AND window_to >= \(first)::date
                GROUP BY auditor
                """, as: (String, Int).self)
            {
                load[auditor] = count
            }
            // Head office's own visits first (any auditor), then each agency's (its auditors only),
            // each run seeing the assignments of the runs before it.
            var outcomes: [String: VisitAssignmentOutcome] = [:]
            let groups = Dictionary(grouping: open) { agencyOf[$0.id] ?? "" }
            for agency in groups.keys.sorted() {
                let pool = auditors.filter { agency.isEmpty || $0.agency == agency }.map(\.auditor)
                let group = groups[agency]!
                for (id, outcome) in VisitAssignment.assign(group, auditors: pool, history: history, load: load, rules: rules) {
                    outcomes[id] = outcome
                    if case .assigned(let login) = outcome, let visit = group.first(where: { $0.id == id }) {
                        load[login, default: 0] += 1
                        history.append(PastVisit(auditor: login, outlet: visit.outlet, date: visit.windowStart))
                    }
                }
            }
            var lines: [VisitAssignmentRun.Line] = []
            for visit in open.sorted(by: { ($0.windowStart, $0.outlet, $0.id) < ($1.windowStart, $1.outlet, $1.id) }) {
                let outcome = outcomes[visit.id]!
                if case .assigned(let auditor) = outcome {
                    lines.append(.init(visitID: visit.id, outlet: visit.outlet, auditor: auditor, reason: nil))
                } else {
                    lines.append(.init(visitID: visit.id, outlet: visit.outlet, auditor: nil, reason: outcome.reason))
                }
            }
            try conn.execute(
                """
                UPDATE visits v
                SET auditor = x.auditor, unassigned_reason = x.reason, updated_at = now(),
                    state = CASE WHEN x.auditor IS NULL THEN 'planned' ELSE 'assigned' END
                FROM unnest(\(lines.map(\.visitID))::text[], \(lines.map(\.auditor))::text[], \(lines.map(\.reason))::text[])
                     AS x (visit_id, auditor, reason)
                WHERE v.visit_id = x.visit_id AND v.state = 'planned'
                  AND (v.auditor, v.unassigned_reason) IS DISTINCT FROM (x.auditor, x.reason)
                """)
            return VisitAssignmentRun(period: period, expired: expired, lines: lines)
        }
    }
}

extension VisitRecord: PQRowDecodable {
    /// A row starting with ``VisitQueries``' `select` columns.
    public init(row: PQRow) throws {
        let windowFrom: String
        let windowTo: String
        let state: String
        let region: String
        (visitID, outlet, template, templateVersion, windowFrom, windowTo, auditor, state, unassignedReason, agency, region) =
            try row.decode((String, String, String, Int, String, String, String?, String, String?, String?, String).self)
        self.windowFrom = CivilDate(windowFrom)!
        self.windowTo = CivilDate(windowTo)!
        self.state = VisitState(rawValue: state)!
        self.region = region
    }
}
