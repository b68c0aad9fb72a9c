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
/// staff are red per KPI within a region subtree.
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
    /// Read from the counts the batch stored with the period's results (``storeRedCounts(_:period:kpis:)``);
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
                "SELECT kpi_code, outlets, staff FROM kpi_red_counts WHERE period = \(period.description) AND region = \(regionPath ?? "")",
                decode)
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

    /// Replaces the stored red counts of `period` (sql/0350) with those of its results as just
    /// written by the batch, in the batch's transaction: for the whole tenant (region `''`) and
    /// every region's subtree, one row per KPI of `kpis`, zeros included. The same counts as
    /// ``liveRedCounts(period:within:)``, computed for all regions at once.
    static func storeRedCounts(_ conn: PQConnection, period: Period, kpis: [String]) throws {
        try conn.execute("DELETE FROM kpi_red_counts WHERE period = \(period.description)")
        let red: Query = """
            SELECT level, subject, kpi_code, 1 FROM kpi_results
            WHERE period = \(period.description) AND status = 'red' AND level IN ('outlet', 'staff')
            """
        try conn.execute(
            """
            INSERT INTO kpi_red_counts (tenant_id, period, region, kpi_code, outlets, staff)
            WITH \(fragment: regionCounts(of: red, period: period)),
            scopes AS (SELECT id, path FROM regions UNION ALL SELECT 0, '')
            SELECT app_current_tenant(), \(period.description), s.path, k.code, coalesce(sum(c.outlets), 0), coalesce(sum(c.staff), 0)
            FROM scopes s
            CROSS JOIN unnest(\(kpis)::text[]) AS k (code)
            LEFT JOIN counts c ON c.region_id = s.id AND c.kpi_code = k.code
            GROUP BY s.path, k.code
            """)
    }

    /// Moves the stored red counts of `period` by the results an incremental rerun turned red
    /// (+1) or made no longer red (−1): `batch_changed`'s rows marked `red_changed` (``BatchRerun``),
    /// judged by their status as now stored. A handful of rows, where a recount reads them all.
    static func adjustRedCounts(_ conn: PQConnection, period: Period) throws {
        let flipped: Query = """
            SELECT c.level, c.subject, c.kpi_code, CASE WHEN r.status = 'red' THEN 1 ELSE -1 END
            FROM batch_changed c
            LEFT JOIN kpi_results r ON r.period = \(period.description) AND r.level = c.level AND r.subject = c.subject
                                   AND r.kpi_code = c.kpi_code
            WHERE c.red_changed
            """
        try conn.execute(
            """
            WITH \(fragment: regionCounts(of: flipped, period: period)),
            moved AS (
                SELECT coalesce(r.path, '') AS region, c.kpi_code, sum(c.outlets) AS outlets, sum(c.staff) AS staff
                FROM counts c LEFT JOIN regions r ON r.id = c.region_id
                GROUP BY 1, 2)
            UPDATE kpi_red_counts k SET outlets = k.outlets + m.outlets, staff = k.staff + m.staff
            FROM moved m
            WHERE k.period = \(period.description) AND k.region = m.region AND k.kpi_code = m.kpi_code
            """)
    }

    /// CTEs ending in `counts (region_id, kpi_code, outlets, staff)`, several rows per key to be
    /// summed: the weights of `results` (level, subject, kpi_code, weight: outlet and staff
    /// results) within every region's subtree, region 0 being the whole tenant. An outlet weighs
    /// in every region above it; a staff member in every region above the outlets they were
    /// assigned to during `period`, once (most staff have one region's outlets: those are
    /// summed per leaf region and rolled up; the few with several are expanded and made distinct).
    private static func regionCounts(of results: Query, period: Period) -> Query {
        """
        red (level, subject, kpi_code, weight) AS MATERIALIZED (\(fragment: results)),
        red_people AS MATERIALIZED (
            SELECT red.kpi_code, red.subject, red.weight, st.id AS staff_id
            FROM red JOIN staff st ON st.tenant_id = app_current_tenant() AND st.employee_no = red.subject
            WHERE red.level = 'staff'),
        staff_leaves AS (
            SELECT a.staff_id, array_agg(DISTINCT o.region_id) AS leaves
            FROM assignments a JOIN outlets o ON o.tenant_id = a.tenant_id AND o.id = a.outlet_id
            WHERE a.staff_id IN (SELECT staff_id FROM red_people)
              AND a.start_date <= \(period.lastDay.description)::date
              AND (a.end_date IS NULL OR a.end_date >= \(period.firstDay.description)::date)
            GROUP BY a.staff_id),
        red_staff AS MATERIALIZED (
            SELECT p.kpi_code, p.subject, p.weight, l.leaves FROM red_people p JOIN staff_leaves l USING (staff_id)),
        leaf_counts AS (
            SELECT o.region_id AS leaf, red.kpi_code, sum(red.weight) AS outlets, 0 AS staff
            FROM red JOIN outlets o ON o.tenant_id = app_current_tenant() AND o.code = red.subject
            WHERE red.level = 'outlet'
            GROUP BY o.region_id, red.kpi_code
            UNION ALL
            SELECT leaves[1], kpi_code, 0, sum(weight) FROM red_staff WHERE cardinality(leaves) = 1 GROUP BY leaves[1], kpi_code),
        counts AS (
            SELECT a.id AS region_id, c.kpi_code, c.outlets, c.staff
            FROM leaf_counts c
            JOIN regions leaf ON leaf.tenant_id = app_current_tenant() AND leaf.id = c.leaf
            CROSS JOIN LATERAL unnest(leaf.ancestors) AS a (id)
            UNION ALL
            SELECT region_id, kpi_code, 0, sum(weight) FROM (
                SELECT DISTINCT a.id AS region_id, s.kpi_code, s.subject, s.weight
                FROM red_staff s
                CROSS JOIN LATERAL unnest(s.leaves) AS l (id)
                JOIN regions leaf ON leaf.tenant_id = app_current_tenant() AND leaf.id = l.id
                CROSS JOIN LATERAL unnest(leaf.ancestors) AS a (id)
                WHERE cardinality(s.leaves) > 1) m
            GROUP BY region_id, kpi_code
            UNION ALL
            SELECT 0, kpi_code, coalesce(sum(weight) FILTER (WHERE level = 'outlet'), 0),
                   coalesce(sum(weight) FILTER (WHERE level = 'staff'), 0)
            FROM red GROUP BY kpi_code)
        """
    }
}
