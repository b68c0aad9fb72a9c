import Foundation
import PQ
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

    enum CodingKeys: String, CodingKey {
        case visitID = "id"
        case outlet, template, templateVersion, windowFrom, windowTo, auditor, state, unassignedReason
    }

    public init(
        visitID: String, outlet: String, template: String, templateVersion: Int, windowFrom: CivilDate, windowTo: CivilDate,
        auditor: String? = nil, state: VisitState = .planned, unassignedReason: String? = nil
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
    /// The tenant's visits, by window start then visit id; optionally only those of a period,
    /// in a state or of an auditor.
    public static func list(
        tenant: Tenant, period: Period? = nil, state: VisitState? = nil, auditor: String? = nil,
        database: Database
    ) async throws -> [VisitRecord] {
        try await database.tenantTransaction(tenant, readOnly: true) { conn in
            try list(conn, period: period, state: state, auditor: auditor)
        }
    }

    /// The visit `visitID`.
    public static func get(tenant: Tenant, visitID: String, database: Database) async throws -> VisitRecord {
        try await database.tenantTransaction(tenant, readOnly: true) { conn in
            guard let row = try conn.queryFirst("\(unsafeRaw: select) WHERE v.visit_id = \(visitID)") else {
                throw StoreError.notFound("visit \(visitID)")
            }
            return try record(row)
        }
    }

    static func list(_ conn: PQConnection, period: Period?, state: VisitState?, auditor: String?) throws -> [VisitRecord] {
        try conn.query(
            """
            \(unsafeRaw: select)
             WHERE (\(period?.lastDay.description)::date IS NULL OR v.window_from <= \(period?.lastDay.description)::date)
               AND (\(period?.firstDay.description)::date IS NULL OR v.window_to >= \(period?.firstDay.description)::date)
               AND (\(state?.rawValue)::text IS NULL OR v.state = \(state?.rawValue))
               AND (\(auditor)::text IS NULL OR v.auditor = \(auditor))
             ORDER BY v.window_from, v.visit_id
            """
        ).map(record)
    }

    private static let select = """
        SELECT v.visit_id, o.code, v.template_code, v.template_version, v.window_from::text, v.window_to::text,
               v.auditor, v.state, v.unassigned_reason
        FROM visits v JOIN outlets o ON o.tenant_id = v.tenant_id AND o.id = v.outlet_id
        """

    private static func record(_ row: PQRow) throws -> VisitRecord {
        VisitRecord(
            visitID: try row.decode(0, as: String.self), outlet: try row.decode(1, as: String.self),
            template: try row.decode(2, as: String.self), templateVersion: try row.decode(3, as: Int.self),
            windowFrom: CivilDate(try row.decode(4, as: String.self))!, windowTo: CivilDate(try row.decode(5, as: String.self))!,
            auditor: try row.decode(6, as: String?.self), state: VisitState(rawValue: try row.decode(7, as: String.self))!,
            unassignedReason: try row.decode(8, as: String?.self))
    }

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
    public static func assign(tenant: Tenant, period: Period, today: CivilDate, database: Database) async throws -> VisitAssignmentRun {
        try await database.tenantTransaction(tenant) { conn in
            let expired = try expire(conn, today: today)
            let rules = try FieldSettingsQueries.get(conn).trust.rotation
            let first = period.firstDay.description
            let last = period.lastDay.description
            let open = try conn.query(
                """
                SELECT v.visit_id, o.code, r.path, v.window_from::text
                FROM visits v
                JOIN outlets o ON o.tenant_id = v.tenant_id AND o.id = v.outlet_id
                JOIN regions r ON r.tenant_id = o.tenant_id AND r.id = o.region_id
                WHERE v.state = 'planned' AND v.window_from <= \(last)::date AND v.window_to >= \(first)::date
                """
            ).map { row in
                OpenVisit(
                    id: try row.decode(0, as: String.self), outlet: try row.decode(1, as: String.self),
                    region: try row.decode(2, as: String.self), windowStart: CivilDate(try row.decode(3, as: String.self))!)
            }
            let auditors = try conn.query(
                """
                SELECT u.login, u.region_path,
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
                FieldAuditor(
                    login: try row.decode(0, as: String.self), regions: (try row.decode(1, as: String?.self)).map { [$0] } ?? [],
                    staffOf: Set(try row.decode(2, as: [String]?.self) ?? []))
            }
            let history = try conn.query(
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
                PastVisit(
                    auditor: try row.decode(0, as: String.self), outlet: try row.decode(1, as: String.self),
                    date: CivilDate(try row.decode(2, as: String.self))!)
            }
            var load: [String: Int] = [:]
            for row in try conn.query(
                """
                SELECT auditor, count(*) FROM visits
                WHERE auditor IS NOT NULL AND state IN ('assigned', 'in_progress', 'submitted')
                  AND window_from <= \(last)::date AND window_to >= \(first)::date
                GROUP BY auditor
                """)
            {
                load[try row.decode(0, as: String.self)] = try row.decode(1, as: Int.self)
            }
            let outcomes = VisitAssignment.assign(open, auditors: auditors, history: history, load: load, rules: rules)
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
