import Foundation
import PQ
public import TouchstoneCore

/// Early warnings (风险预警), from the stored KPI results of two consecutive periods.
public enum WarningQueries {
    /// Subjects whose status for a KPI turned red (from green, amber or insufficient) or fell
    /// from green to amber since the previous period of the same kind. Both periods must have
    /// a row for the subject; `insufficient` now is never a warning. Ordered like the kpis export.
    public static func list(tenant: Tenant, period: Period, database: Database) async throws -> [EarlyWarning] {
        let previous = period.previous
        return try await database.tenantTransaction(tenant, readOnly: true) { conn in
            try conn.query(
                """
                SELECT c.kpi_code, c.level, c.subject, round(p.value, 24), p.n, p.status, round(c.value, 24), c.n, c.status
                FROM kpi_results c
                JOIN kpi_results p ON p.tenant_id = c.tenant_id AND p.period = \(previous.description)
                     AND p.level = c.level AND p.subject = c.subject AND p.kpi_code = c.kpi_code
                WHERE c.period = \(period.description)
                  AND ((c.status = 'red' AND p.status <> 'red') OR (c.status = 'amber' AND p.status = 'green'))
                ORDER BY array_position(ARRAY['tenant', 'region', 'outlet', 'staff'], c.level),
                         c.subject COLLATE "C", c.kpi_code COLLATE "C"
                """
            ).map { row in
                let (kpi, level, subject, previousValue, previousN, previousStatus, value, n, status) = try row.decode(
                    (String, String, String, Decimal, Int, String, Decimal, Int, String).self)
                return EarlyWarning(
                    kpi: kpi, level: KPILevel(rawValue: level) ?? .tenant, subject: subject, previousPeriod: previous.description,
                    previous: KPIResultQueries.kpiValue(previousValue, previousN, previousStatus),
                    current: KPIResultQueries.kpiValue(value, n, status))
            }
        }
    }
}
