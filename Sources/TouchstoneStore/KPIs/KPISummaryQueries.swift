import Foundation
import PQ
public import TouchstoneCore

/// One KPI definition with a subject's value for a period (nil: no row, n = 0).
public struct SubjectKPI: Sendable, Equatable {
    public let kpi: String
    public let name: String
    public let unit: String?
    public let direction: String
    public let value: KPIValue?
}

/// Summaries for the head-office pages: every KPI of one subject, and how many outlets and
/// staff are red per KPI within a region subtree (and how many have a result: a league's size).
public enum KPISummaryQueries {
    /// Every defined KPI, by code, with the subject's stored result for `period`.
    public static func results(
        tenant: Tenant, period: Period, level: KPILevel, subject: String, database: Database
    ) async throws -> [SubjectKPI] {
        try await database.tenantTransaction(tenant, readOnly: true) { conn in
            try conn.query(
                """
                SELECT k.code, k.name, k.unit, k.direction, round(r.value, 24), r.n, r.status
                FROM kpi_definitions k
                LEFT JOIN kpi_results r ON r.tenant_id = k.tenant_id AND r.period = \(period.description)
                     AND r.level = \(level.rawValue) AND r.subject = \(subject) AND r.kpi_code = k.code
                ORDER BY k.code COLLATE "C"
                """
            ).map { row in
                let (kpi, name, unit, direction, value, n, status) = try row.decode(
                    (String, String, String?, String, Decimal?, Int?, String?).self)
                return SubjectKPI(
                    kpi: kpi, name: name, unit: unit, direction: direction, value: KPIResultQueries.kpiValue(value, n, status))
            }
        }
    }

    /// Per KPI code, the number of red outlets and red staff of `period`, all of them or only
    /// those within the region `within` (its subtree; staff: assigned there during the period).
    /// Read from the counts the batch stored with the period's results (``storeScopeCounts(_:period:kpis:)``);
    /// counted from the results when the batch did not know the scope (a region created since,
    /// a period computed before the counts were kept).
    public static func redCounts(
        tenant: Tenant, period: Period, within regionPath: String? = nil, database: Database
    ) async throws -> [String: (outlets: Int, staff: Int)] {
        try await database.tenantTransaction(tenant, readOnly: true) { conn in
            var counts: [String: (outlets: Int, staff: Int)] = [:]
            let decode = { (row: PQRow) in
                let (kpi, outlets, staff) = try row.decode((String, Int, Int).self)
                counts[kpi] = (outlets, staff)
            }
            try conn.forEachRow(
                """
                SELECT kpi_code, red_outlets, red_staff FROM kpi_scope_counts
                WHERE period = \(period.description) AND region = \(regionPath ?? "")
                """, decode)
            if counts.isEmpty {
                try conn.forEachRow(liveRedCounts(period: period, within: regionPath), decode)
            }
            return counts
        }
    }

    /// Counts the red outlet and staff results of `period` per KPI, within `regionPath` or all.
    private static func liveRedCounts(period: Period, within regionPath: String?) -> Query {
        """
        WITH scope AS (
            SELECT o.tenant_id, o.id, o.code FROM outlets o
            JOIN regions leaf ON leaf.tenant_id = o.tenant_id AND leaf.id = o.region_id
            WHERE \(regionPath)::text IS NOT NULL AND app_in_region_subtree(leaf.path, \(regionPath))),
        red AS (
            SELECT kpi_code, level, subject FROM kpi_results
            WHERE period = \(period.description) AND status = 'red' AND level IN ('outlet', 'staff'))
        SELECT kpi_code, count(*) FILTER (WHERE level = 'outlet'), count(*) FILTER (WHERE level = 'staff')
        FROM red
        WHERE \(regionPath)::text IS NULL
           OR (level = 'outlet' AND subject IN (SELECT code FROM scope))
           OR (level = 'staff' AND subject IN (
                SELECT st.employee_no FROM staff st
                JOIN assignments a ON a.tenant_id = st.tenant_id AND a.staff_id = st.id
                JOIN scope s ON s.tenant_id = a.tenant_id AND s.id = a.outlet_id
                WHERE a.start_date <= \(period.lastDay.description)::date
                  AND (a.end_date IS NULL OR a.end_date >= \(period.firstDay.description)::date)))
        GROUP BY kpi_code
        """
    }

    /// The size of the league on `kpi` at `level` within the region `regionPath` (its members
    /// with a result), as the batch stored it: nil when it did not (a region created since, a
    /// period computed before sql/0360) or when the organisation changed since the period's last
    /// run, which the league's members, read as they are now, would no longer match.
    static func storedLeagueSize(_ conn: PQConnection, period: Period, kpi: String, level: KPILevel, within regionPath: String) throws -> Int? {
        guard
            let size = try conn.queryFirst(
                """
                SELECT CASE \(level.rawValue)::text WHEN 'outlet' THEN outlets ELSE staff END FROM kpi_scope_counts
                WHERE period = \(period.description) AND region = \(regionPath) AND kpi_code = \(kpi)
                """)?.decode(0, as: Int?.self)
        else { return nil }
        return try BatchRerun.incrementalSince(conn, period: period) == nil ? nil : size
    }

    /// Whether `period` has every count per scope stored (rows from before sql/0350 or sql/0360
    /// have none or no league sizes): only then can a run move them instead of counting again.
    static func hasScopeCounts(_ conn: PQConnection, period: Period) throws -> Bool {
        try conn.queryFirst(
            """
            SELECT count(*) > 0 AND count(*) = count(outlets) AND count(*) = count(staff)
            FROM kpi_scope_counts WHERE period = \(period.description)
            """)!.decode(Bool.self)
    }

    /// Replaces the stored scope counts of `period` (sql/0350, sql/0360) with those of its results
    /// as just written by the batch, in the batch's transaction: for the whole tenant (region `''`)
    /// and every region's subtree, one row per KPI of `kpis`, zeros included, the red outlet and
    /// staff results (as ``liveRedCounts(period:within:)`` counts them) and all of them (the
    /// league tables' sizes), computed for all regions at once.
    static func storeScopeCounts(_ conn: PQConnection, period: Period, kpis: [String]) throws {
        try conn.execute("DELETE FROM kpi_scope_counts WHERE period = \(period.description)")
        let results: Query = """
            SELECT level, subject, kpi_code, (status = 'red')::integer, 1 FROM kpi_results
            WHERE period = \(period.description) AND level IN ('outlet', 'staff')
            """
        try conn.execute(
            """
            INSERT INTO kpi_scope_counts (tenant_id, period, region, kpi_code, red_outlets, red_staff, outlets, staff)
            WITH \(fragment: regionCounts(of: results, period: period, everyone: true)),
            scopes AS (SELECT id, path FROM regions UNION ALL SELECT 0, '')
            SELECT app_current_tenant(), \(period.description), s.path, k.code, coalesce(sum(c.red_outlets), 0),
                   coalesce(sum(c.red_staff), 0), coalesce(sum(c.outlets), 0), coalesce(sum(c.staff), 0)
            FROM scopes s
            CROSS JOIN unnest(\(kpis)::text[]) AS k (code)
            LEFT JOIN counts c ON c.region_id = s.id AND c.kpi_code = k.code
            GROUP BY s.path, k.code
            """)
    }

    /// Moves the stored scope counts of `period` by what a rerun over stored results changed (an
    /// incremental one, or a full one over an unchanged organisation): the results it turned red
    /// (+1) or made no longer red (−1), and the results it added (+1) or removed (−1),
    /// `batch_changed`'s rows marked `red_changed` or `present_changed` (``BatchRerun``), judged by
    /// the results as now stored. Usually a handful of rows, where a recount reads them all.
    static func adjustScopeCounts(_ conn: PQConnection, period: Period) throws {
        let changed: Query = """
            SELECT c.level, c.subject, c.kpi_code,
                   CASE WHEN NOT c.red_changed THEN 0 WHEN r.status = 'red' THEN 1 ELSE -1 END,
                   CASE WHEN NOT c.present_changed THEN 0 WHEN r.status IS NOT NULL THEN 1 ELSE -1 END
            FROM batch_changed c
            LEFT JOIN kpi_results r ON r.period = \(period.description) AND r.level = c.level AND r.subject = c.subject
                                   AND r.kpi_code = c.kpi_code
            WHERE c.red_changed OR c.present_changed
            """
        try conn.execute(
            """
            WITH \(fragment: regionCounts(of: changed, period: period, everyone: false)),
            moved AS (
                SELECT coalesce(r.path, '') AS region, c.kpi_code, sum(c.red_outlets) AS red_outlets, sum(c.red_staff) AS red_staff,
                       sum(c.outlets) AS outlets, sum(c.staff) AS staff
                FROM counts c LEFT JOIN regions r ON r.id = c.region_id
                GROUP BY 1, 2)
            UPDATE kpi_scope_counts k
            SET red_outlets = k.red_outlets + m.red_outlets, red_staff = k.red_staff + m.red_staff,
                outlets = k.outlets + m.outlets, staff = k.staff + m.staff
            FROM moved m
            WHERE k.period = \(period.description) AND k.region = m.region AND k.kpi_code = m.kpi_code
            """)
    }

    /// CTEs ending in `counts (region_id, kpi_code, red_outlets, red_staff, outlets, staff)`,
    /// several rows per key to be summed: the weights of `results` (level, subject, kpi_code, red,
    /// present: outlet and staff results) within every region's subtree, region 0 being the whole
    /// tenant. An outlet weighs in every region above it; a staff member in every region above the
    /// outlets they were assigned to during `period`, once (most staff have one region's outlets:
    /// those are summed per leaf region and rolled up; the few with several are expanded and made
    /// distinct). `everyone`: `results` has most staff, whose assignments are all read (else only
    /// those of the staff in `results`).
    private static func regionCounts(of results: Query, period: Period, everyone: Bool) -> Query {
        """
        scoped (level, subject, kpi_code, red, present) AS MATERIALIZED (\(fragment: results)),
        staff_leaves AS MATERIALIZED (
            SELECT st.employee_no AS subject, array_agg(DISTINCT o.region_id) AS leaves
            FROM staff st
            JOIN assignments a ON a.tenant_id = st.tenant_id AND a.staff_id = st.id
            JOIN outlets o ON o.tenant_id = a.tenant_id AND o.id = a.outlet_id
            WHERE (\(everyone)::boolean OR st.employee_no IN (SELECT subject FROM scoped WHERE level = 'staff'))
              AND a.start_date <= \(period.lastDay.description)::date
              AND (a.end_date IS NULL OR a.end_date >= \(period.firstDay.description)::date)
            GROUP BY st.employee_no),
        leaf_counts AS (
            SELECT o.region_id AS leaf, s.kpi_code, sum(s.red) AS red_outlets, 0 AS red_staff, sum(s.present) AS outlets, 0 AS staff
            FROM scoped s JOIN outlets o ON o.tenant_id = app_current_tenant() AND o.code = s.subject
            WHERE s.level = 'outlet'
            GROUP BY o.region_id, s.kpi_code
            UNION ALL
            SELECT l.leaves[1], s.kpi_code, 0, sum(s.red), 0, sum(s.present)
            FROM scoped s JOIN staff_leaves l USING (subject)
            WHERE s.level = 'staff' AND cardinality(l.leaves) = 1
            GROUP BY l.leaves[1], s.kpi_code),
        counts AS (
            SELECT a.id AS region_id, c.kpi_code, c.red_outlets, c.red_staff, c.outlets, c.staff
            FROM leaf_counts c
            JOIN regions leaf ON leaf.tenant_id = app_current_tenant() AND leaf.id = c.leaf
            CROSS JOIN LATERAL unnest(leaf.ancestors) AS a (id)
            UNION ALL
            SELECT region_id, kpi_code, 0, sum(red), 0, sum(present) FROM (
                SELECT DISTINCT a.id AS region_id, s.kpi_code, s.subject, s.red, s.present
                FROM scoped s
                JOIN staff_leaves sl USING (subject)
                CROSS JOIN LATERAL unnest(sl.leaves) AS l (id)
                JOIN regions leaf ON leaf.tenant_id = app_current_tenant() AND leaf.id = l.id
                CROSS JOIN LATERAL unnest(leaf.ancestors) AS a (id)
                WHERE s.level = 'staff' AND cardinality(sl.leaves) > 1) m
            GROUP BY region_id, kpi_code
            UNION ALL
            SELECT 0, kpi_code, coalesce(sum(red) FILTER (WHERE level = 'outlet'), 0),
                   coalesce(sum(red) FILTER (WHERE level = 'staff'), 0),
                   coalesce(sum(present) FILTER (WHERE level = 'outlet'), 0),
                   coalesce(sum(present) FILTER (WHERE level = 'staff'), 0)
            FROM scoped GROUP BY kpi_code)
        """
    }
}
