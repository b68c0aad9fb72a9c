import Foundation
import PQ
public import TouchstoneCore

/// `touchstone export audits` (formats.md "Exports / audits"): one template per file,
/// `id,template,version,outlet,visited_at,served_by,state,score,critical_failure,s_<section>…,d_<dimension>…`,
/// streamed row by row (constant memory), sorted by visited_at then id. With `flags` (opt-in),
/// one last column `flags`: the audit's trust flags, `;`-separated, in their stored order.
public enum AuditExport {
    /// Writes the export of `period` (cut in the tenant's time zone), one CSV line per call of `output`.
    /// Section columns follow the latest template version used in the period, dimension columns
    /// the order in which that version first uses them.
    /// - Parameter template: the template code; default the only one used in the period.
    /// - Throws: ``StoreError/invalid(_:)`` when no template is given and the period has none
    ///   or several (listing them).
    public static func write(
        tenant: Tenant, period: Period, template code: String?, flags: Bool = false, database: Database,
        to output: @escaping @Sendable (String) throws -> Void
    ) async throws {
        try await rows(tenant: tenant, period: period, template: code, flags: flags, database: database, into: CSVRows(output: output))
    }

    /// The export's typed rows, header first, into `rows` (a CSV or a workbook writer);
    /// the same columns, order and errors as ``write(tenant:period:template:flags:database:to:)``.
    public static func rows(
        tenant: Tenant, period: Period, template code: String?, flags: Bool = false, database: Database,
        into rows: any ExportRows
    ) async throws {
        let (start, end) = period.bounds(in: tenant.timeZone)
        let timeZone = tenant.timeZone
        try await database.tenantTransaction(tenant, readOnly: true) { conn in
            let chosen = try code ?? onlyTemplate(conn, start: start, end: end, period: period)
            let version = try conn.queryFirst(
                """
                SELECT max(template_version) AS latest FROM audits
                WHERE template_code = \(chosen) AND visited_at >= \(start)::timestamptz AND visited_at < \(end)::timestamptz
                """)?.decode("latest", as: Int?.self)
            guard let template = try TemplateQueries.load(conn, code: chosen, version: version) else {
                throw StoreError.notFound("template \(chosen)")
            }
            let sections = template.sections.map(\.code)
            let dimensions = template.dimensionsInTemplateOrder.map { $0.rawValue }
            try rows.header(
                ["id", "template", "version", "outlet", "visited_at", "served_by", "state", "score", "critical_failure"]
                    + sections.map { "s_" + $0 } + dimensions.map { "d_" + $0 } + (flags ? ["flags"] : []))
            try conn.forEachRow(
                """
                SELECT a.id, a.template_code, a.template_version, o.code, a.visited_at, st.employee_no, a.state, a.score,
                       a.critical_failure,
                       ARRAY(SELECT s.score FROM unnest(\(sections)::text[]) WITH ORDINALITY AS c(code, n)
                             LEFT JOIN audit_section_scores s ON s.audit_id = a.id AND s.section_code = c.code ORDER BY c.n),
                       ARRAY(SELECT d.score FROM unnest(\(dimensions)::text[]) WITH ORDINALITY AS c(dimension, n)
                             LEFT JOIN audit_dimension_scores d ON d.audit_id = a.id AND d.dimension = c.dimension ORDER BY c.n),
                       array_to_string(a.flags, ';')
                FROM audits a JOIN outlets o ON o.id = a.outlet_id LEFT JOIN staff st ON st.id = a.served_by
                WHERE a.template_code = \(chosen) AND a.visited_at >= \(start)::timestamptz AND a.visited_at < \(end)::timestamptz
                ORDER BY a.visited_at, a.id
                """
            ) { row in
                func score(_ value: Decimal?) -> ExportCell { .decimal(value, places: 2) }
                let (id, template, version, outlet, visitedAt, servedBy, state, overall, criticalFailure, sectionScores, dimensionScores, flagList) =
                    try row.decode((UUID, String, Int, String, Date, String?, String, Decimal?, Bool, [Decimal?], [Decimal?], String).self)
                try rows.row(
                    [
                        .text(id.uuidString.lowercased()), .text(template), .integer(version), .text(outlet), .instant(visitedAt, timeZone),
                        .text(servedBy ?? ""), .text(state), score(overall), .text(criticalFailure ? "true" : "false"),
                    ] + sectionScores.map(score) + dimensionScores.map(score) + (flags ? [.text(flagList)] : []))
            }
        }
    }

    /// The one template used by audits in the period.
    private static func onlyTemplate(_ conn: PQConnection, start: Date, end: Date, period: Period) throws -> String {
        let codes = try conn.query(
            """
            SELECT DISTINCT template_code FROM audits
            WHERE visited_at >= \(start)::timestamptz AND visited_at < \(end)::timestamptz ORDER BY 1
            """
        ).decode(String.self)
        guard codes.count == 1 else {
            let message =
                codes.isEmpty
                ? "no audits in \(period)"
                : "audits of several templates in \(period) (\(codes.joined(separator: ", "))): choose one with --template"
            throw StoreError.invalid([Problem(path: "template", message: message)])
        }
        return codes[0]
    }
}
