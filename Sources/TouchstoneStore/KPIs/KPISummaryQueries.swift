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
    public static func redCounts(
        tenant: Tenant, period: Period, within regionPath: String? = nil, database: Database
    ) async throws -> [String: (outlets: Int, staff: Int)] {
        try await database.tenantTransaction(tenant, readOnly: true) { conn in
            var counts: [String: (outlets: Int, staff: Int)] = [:]
            try conn.forEachRow(
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
            ) { row in
                let (kpi, outlets, staff) = try row.decode((String, Int, Int).self)
                counts[kpi] = (outlets, staff)
            }
            return counts
        }
    }
}
