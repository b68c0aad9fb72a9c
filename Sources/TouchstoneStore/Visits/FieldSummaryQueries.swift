public import Foundation
import PQ
public import TouchstoneCore

/// Head office's view of the field for one period (docs/field-operations.md, "The field summary"):
/// visits planned, done and expired by region and by agency, and the flagged audits.
public struct FieldSummary: Sendable, Hashable, Encodable {
    /// Visit counts of one region or agency. `planned` counts every visit of the period that
    /// was not cancelled; `done` the submitted ones, `expired` those whose window ended without an audit.
    public struct Counts: Sendable, Hashable, Encodable {
        /// The region path or the agency code; nil in `byAgency` for head office's own visits.
        public var key: String?
        public var planned: Int
        public var done: Int
        public var expired: Int
        public var cancelled: Int
    }

    /// How many audits of the period carry one flag.
    public struct FlagCount: Sendable, Hashable, Encodable {
        public var flag: String
        public var audits: Int
    }

    /// A flagged audit of the period.
    public struct FlaggedAudit: Sendable, Hashable, Encodable {
        public var id: String
        public var outlet: String
        public var auditor: String
        public var visitedAt: Date
        public var state: String
        public var flags: [String]
    }

    public var period: String
    public var byRegion: [Counts]
    public var byAgency: [Counts]
    /// Audits of the period with at least one flag.
    public var flaggedAudits: Int
    public var flags: [FlagCount]
    /// The flagged audits, newest visit first, at most ``FieldSummaryQueries/flaggedLimit``.
    public var flagged: [FlaggedAudit]
}

/// The SQL of ``FieldSummary``: every number is counted in the database.
public enum FieldSummaryQueries {
    /// The most flagged audits the summary lists (their count is always whole).
    public static let flaggedLimit = 100

    /// The summary of `period`. Visits belong to a period when their window overlaps its days;
    /// a visit's agency is the one it was planned for, else its auditor's. Audits belong to a
    /// period by their visit instant (tenant time). With `today`, open visits whose window
    /// ended before it expire first.
    public static func summary(tenant: Tenant, period: Period, today: CivilDate? = nil, database: Database) async throws -> FieldSummary {
        let first = period.firstDay.description
        let last = period.lastDay.description
        let (start, end) = period.bounds(in: tenant.timeZone)
        return try await database.tenantTransaction(tenant, readOnly: today == nil) { conn in
            if let today { _ = try VisitQueries.expire(conn, today: today) }
            func counts(_ key: Query) throws -> [FieldSummary.Counts] {
                try conn.query(
                    """
                    SELECT \(fragment: key) AS key, count(*) FILTER (WHERE v.state <> 'cancelled'),
                           count(*) FILTER (WHERE v.state = 'submitted'), count(*) FILTER (WHERE v.state = 'expired'),
                           count(*) FILTER (WHERE v.state = 'cancelled')
                    FROM visits v
                    JOIN outlets o ON o.tenant_id = v.tenant_id AND o.id = v.outlet_id
                    JOIN regions r ON r.tenant_id = o.tenant_id AND r.id = o.region_id
                    LEFT JOIN users u ON u.tenant_id = v.tenant_id AND u.login = v.auditor
                    WHERE v.window_from <= \(last)::date AND v.window_to >= \(first)::date
                    GROUP BY 1 ORDER BY \(fragment: key) COLLATE "C" NULLS FIRST
                    """
                ).map { row in
                    let (key, planned, done, expired, cancelled) = try row.decode((String?, Int, Int, Int, Int).self)
                    return FieldSummary.Counts(key: key, planned: planned, done: done, expired: expired, cancelled: cancelled)
                }
            }
            let flags = try conn.query(
                """
                SELECT f.flag, count(*) FROM audits a, unnest(a.flags) AS f (flag)
                WHERE a.visited_at >= \(start)::timestamptz AND a.visited_at < \(end)::timestamptz
                GROUP BY f.flag ORDER BY count(*) DESC, f.flag COLLATE "C"
                """
            ).map { row in
                let (flag, audits) = try row.decode((String, Int).self)
                return FieldSummary.FlagCount(flag: flag, audits: audits)
            }
            let flaggedCount = try conn.queryFirst(
                """
                SELECT count(*) FROM audits a
                WHERE cardinality(a.flags) > 0 AND a.visited_at >= \(start)::timestamptz AND a.visited_at < \(end)::timestamptz
                """)!.decode(Int.self)
            let flagged = try conn.query(
                """
                SELECT a.id, o.code, a.auditor, a.visited_at, a.state, a.flags
                FROM audits a JOIN outlets o ON o.tenant_id = a.tenant_id AND o.id = a.outlet_id
                WHERE cardinality(a.flags) > 0 AND a.visited_at >= \(start)::timestamptz AND a.visited_at < \(end)::timestamptz
                ORDER BY a.visited_at DESC, a.id LIMIT \(flaggedLimit)
                """
            ).map { row in
                let (id, outlet, auditor, visitedAt, state, flags) = try row.decode((UUID, String, String, Date, String, [String]).self)
                return FieldSummary.FlaggedAudit(
                    id: id.uuidString.lowercased(), outlet: outlet, auditor: auditor, visitedAt: visitedAt, state: state, flags: flags)
            }
            return FieldSummary(
                period: period.description, byRegion: try counts("r.path"), byAgency: try counts("coalesce(v.agency_code, u.agency_code)"),
                flaggedAudits: flaggedCount, flags: flags, flagged: flagged)
        }
    }
}
