public import Foundation
public import TouchstoneCore

/// The CSV imports of formats.md. Every statement runs inside the import's transaction,
/// as the runtime role with the tenant set, so `app_current_tenant()` is the importing tenant.
public enum ImportKind: String, Sendable, CaseIterable {
    case outlets, staff, surveys, complaints, visits

    /// The columns of the format, in formats.md order.
    public var columns: [String] { format.columns.map(\.name) }

    var format: CSVFormat {
        switch self {
        case .outlets: return .outlets
        case .staff: return .staff
        case .surveys: return .surveys
        case .complaints: return .complaints
        case .visits: return .visits
        }
    }
}

/// Imports a CSV file of the given kind for a tenant.
public func importCSV(
    _ kind: ImportKind, file: URL, tenant: Tenant, options: ImportOptions = ImportOptions(), database: Database
) async throws -> ImportReport {
    try await CSVImporter(format: kind.format, entity: kind.rawValue, options: options).run(file: file, tenant: tenant, database: database)
}

/// SQL pieces shared by the formats.
private enum ImportSQL {
    /// Lines whose `column` repeats an earlier line's key in the same file.
    static func duplicateKey(_ key: String, label: String) -> String {
        """
        SELECT line, '\(key.split(separator: ",").last!)', format('%s appears again (first on line %s)', \(label), first_line)
        FROM (SELECT line, \(key), min(line) OVER (PARTITION BY \(key)) AS first_line FROM import_stage) AS s
        WHERE line > first_line
        """
    }

    /// Lines naming an outlet the tenant does not have.
    static let unknownOutlet = """
        SELECT s.line, 'outlet_code', format('unknown outlet %s', s.outlet_code)
        FROM import_stage s
        WHERE NOT EXISTS (SELECT 1 FROM outlets o WHERE o.tenant_id = app_current_tenant() AND o.code = s.outlet_code)
        """

    /// Lines naming a staff member the tenant does not have.
    static let unknownEmployee = """
        SELECT s.line, 'employee_no', format('unknown employee %s', s.employee_no)
        FROM import_stage s
        WHERE s.employee_no IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM staff st WHERE st.tenant_id = app_current_tenant() AND st.employee_no = s.employee_no)
        """

    /// Whether the instant `expression` falls in a closed period (stored flagged late): the
    /// closed periods' span is read once per statement, not once per row as `app_is_late()` would.
    static func late(_ expression: String) -> String {
        "\(expression) <@ (SELECT app_closed_span())"
    }

    /// Turns a merge's `RETURNING (xmax = 0) AS inserted` into (inserted, updated).
    static func counted(_ merge: String) -> String {
        """
        WITH merged AS (\(merge) RETURNING (xmax = 0) AS inserted)
        SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM merged
        """
    }

    /// The merge of an event file (surveys, complaints) into `table`, keyed by `(tenant_id, key)`,
    /// returning (inserted, updated): `values` are the stored columns with their expressions over
    /// the staged row `s`, its outlet `o` and its employee `st` (none without `employee_no`); the
    /// late flag comes from the instant `lateAt`.
    ///
    /// An UPDATE of the stored records whose values differ (a changed late flag alone changes
    /// nothing) and an INSERT of the keys not stored, after an anti-join: new keys pay no
    /// speculative insertion, which an upsert pays on every row. Both run in one statement, so
    /// with one snapshot: a key is either stored (and compared) or inserted. When an import of
    /// the same tenant inserts one of the new keys concurrently, the INSERT waits for it and,
    /// if it commits, fails with a unique violation, reported as a conflict
    /// (``StoreError/conflict(_:)``): the import rolls back whole and can be run again.
    static func eventMerge(table: String, key: String, values: [(column: String, expression: String)], lateAt: String) -> String {
        let columns = values.map(\.column)
        let staged = """
            SELECT s.\(key), \(values.map { "\($0.expression) AS \($0.column)" }.joined(separator: ", ")), \(late(lateAt)) AS late
                FROM import_stage s
                JOIN outlets o ON o.tenant_id = app_current_tenant() AND o.code = s.outlet_code
                LEFT JOIN staff st ON st.tenant_id = app_current_tenant() AND st.employee_no = s.employee_no
            """
        return """
            WITH updated AS (
                UPDATE \(table) AS e
                SET \(columns.map { "\($0) = n.\($0)" }.joined(separator: ", ")), late = n.late
                FROM (\(staged)) AS n
                WHERE e.tenant_id = app_current_tenant() AND e.\(key) = n.\(key)
                  AND (\(columns.map { "e.\($0)" }.joined(separator: ", "))) IS DISTINCT FROM (\(columns.map { "n.\($0)" }.joined(separator: ", ")))
                RETURNING 1),
            inserted AS (
                INSERT INTO \(table) (tenant_id, \(key), \(columns.joined(separator: ", ")), late)
                SELECT app_current_tenant(), n.\(key), \(columns.map { "n.\($0)" }.joined(separator: ", ")), n.late
                FROM (\(staged)) AS n
                WHERE NOT EXISTS (SELECT 1 FROM \(table) e WHERE e.tenant_id = app_current_tenant() AND e.\(key) = n.\(key))
                RETURNING 1)
            SELECT (SELECT count(*) FROM inserted), (SELECT count(*) FROM updated)
            """
    }
}

/// An instant cell compared with another one of the same row.
private func notBefore(_ later: String, _ earlier: String) -> CSVFormat.RowRule {
    { values in
        guard let laterText = values[later], let earlierText = values[earlier],
            let laterInstant = Instant.parse(laterText), let earlierInstant = Instant.parse(earlierText),
            laterInstant < earlierInstant
        else { return nil }
        return (later, "\(later) \(laterText) is before \(earlier) \(earlierText)")
    }
}

extension CSVFormat {
    /// outlets.csv (key `code`); region paths create org-tree nodes as needed.
    static let outlets = CSVFormat(
        name: "outlets",
        columns: [
            Column("code", required: true), Column("name", required: true), Column("type"),
            Column("region_path", required: true), Column("opened_on", .date), Column("closed_on", .date), Column("city"),
            Column("latitude", .decimal(nonNegative: false)), Column("longitude", .decimal(nonNegative: false)),
        ],
        rowRules: [
            { values in
                let segments = (values["region_path"] ?? "").split(separator: "/", omittingEmptySubsequences: false)
                guard segments.contains(where: { $0.isEmpty || $0.trimmingLineWhitespace != $0 }) else { return nil }
                return ("region_path", "every part of the path must be non-empty, without surrounding spaces (华东/上海/浦东)")
            },
            { values in
                guard let opened = values["opened_on"].flatMap(CivilDate.init), let closed = values["closed_on"].flatMap(CivilDate.init),
                    closed < opened
                else { return nil }
                return ("closed_on", "closed_on is before opened_on")
            },
            { values in
                let latitude = values["latitude"].flatMap { Decimal(exactly: $0) }
                let longitude = values["longitude"].flatMap { Decimal(exactly: $0) }
                if (latitude == nil) != (longitude == nil) {
                    return (latitude == nil ? "latitude" : "longitude", "give both latitude and longitude, or neither")
                }
                if let latitude, abs(latitude) > 90 { return ("latitude", "must be between -90 and 90") }
                if let longitude, abs(longitude) > 180 { return ("longitude", "must be between -180 and 180") }
                return nil
            },
        ],
        checks: [ImportSQL.duplicateKey("code", label: "'outlet ' || code")],
        merge: [
            "SELECT app_ensure_region_paths(array_agg(DISTINCT region_path)) FROM import_stage",
            ImportSQL.counted(
                """
                INSERT INTO outlets AS o (tenant_id, code, name, type, region_id, opened_on, closed_on, city, latitude, longitude)
                SELECT app_current_tenant(), s.code, s.name, s.type, r.id, s.opened_on::date, s.closed_on::date, s.city,
                       s.latitude::double precision, s.longitude::double precision
                FROM import_stage s
                JOIN regions r ON r.tenant_id = app_current_tenant() AND r.path = s.region_path
                ON CONFLICT (tenant_id, code) DO UPDATE
                SET name = EXCLUDED.name, type = EXCLUDED.type, region_id = EXCLUDED.region_id,
                    opened_on = EXCLUDED.opened_on, closed_on = EXCLUDED.closed_on, city = EXCLUDED.city,
                    latitude = EXCLUDED.latitude, longitude = EXCLUDED.longitude, updated_at = now()
                WHERE (o.name, o.type, o.region_id, o.opened_on, o.closed_on, o.city, o.latitude, o.longitude)
                      IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.type, EXCLUDED.region_id, EXCLUDED.opened_on, EXCLUDED.closed_on,
                                        EXCLUDED.city, EXCLUDED.latitude, EXCLUDED.longitude)
                """),
        ],
        tables: ["outlets", "regions"]
    )

    /// staff.csv (one row per assignment; key `employee_no,start_date`); overlapping
    /// assignments of one person, in the file or against what is stored, are refused.
    static let staff = CSVFormat(
        name: "staff",
        columns: [
            Column("employee_no", required: true), Column("name", required: true), Column("role", required: true),
            Column("outlet_code", required: true), Column("start_date", required: true, .date), Column("end_date", .date),
            Column("target_bonus", .decimal(nonNegative: true)),
        ],
        rowRules: [
            { values in
                guard let start = values["start_date"].flatMap(CivilDate.init), let end = values["end_date"].flatMap(CivilDate.init),
                    end < start
                else { return nil }
                return ("end_date", "end_date is before start_date")
            }
        ],
        checks: [
            ImportSQL.unknownOutlet,
            ImportSQL.duplicateKey("employee_no, start_date", label: "'assignment of ' || employee_no || ' from ' || start_date"),
            """
            WITH file AS (
                SELECT line, employee_no, start_date::date AS starts, end_date::date AS ends FROM import_stage),
            stored AS (
                SELECT NULL::integer AS line, st.employee_no, a.start_date AS starts, a.end_date AS ends
                FROM assignments a JOIN staff st ON st.tenant_id = a.tenant_id AND st.id = a.staff_id
                WHERE a.tenant_id = app_current_tenant()
                  AND st.employee_no IN (SELECT employee_no FROM file)
                  AND NOT EXISTS (SELECT 1 FROM file f WHERE f.employee_no = st.employee_no AND f.starts = a.start_date)),
            ordered AS (
                SELECT line, employee_no, starts,
                       lag(ends) OVER w AS previous_ends, lag(starts) OVER w AS previous_starts, lag(line) OVER w AS previous_line
                FROM (SELECT * FROM file UNION ALL SELECT * FROM stored) AS all_rows
                WINDOW w AS (PARTITION BY employee_no ORDER BY starts, line))
            SELECT coalesce(line, previous_line), 'start_date',
                   format('assignment of %s from %s overlaps the one from %s%s', employee_no, starts, previous_starts,
                          CASE WHEN previous_line IS NULL THEN ' already stored' ELSE ' on line ' || previous_line END)
            FROM ordered
            WHERE previous_starts IS NOT NULL AND previous_starts <> starts
              AND (previous_ends IS NULL OR previous_ends >= starts)
            """,
        ],
        merge: [
            """
            INSERT INTO staff AS st (tenant_id, employee_no, name)
            SELECT DISTINCT ON (employee_no) app_current_tenant(), employee_no, name
            FROM import_stage ORDER BY employee_no, line DESC
            ON CONFLICT (tenant_id, employee_no) DO UPDATE SET name = EXCLUDED.name, updated_at = now()
            WHERE st.name IS DISTINCT FROM EXCLUDED.name
            """,
            ImportSQL.counted(
                """
                INSERT INTO assignments AS a (tenant_id, staff_id, start_date, end_date, role, outlet_id, target_bonus)
                SELECT app_current_tenant(), st.id, s.start_date::date, s.end_date::date, s.role, o.id, s.target_bonus::numeric
                FROM import_stage s
                JOIN staff st ON st.tenant_id = app_current_tenant() AND st.employee_no = s.employee_no
                JOIN outlets o ON o.tenant_id = app_current_tenant() AND o.code = s.outlet_code
                ORDER BY s.employee_no, s.start_date::date
                ON CONFLICT (tenant_id, staff_id, start_date) DO UPDATE
                SET end_date = EXCLUDED.end_date, role = EXCLUDED.role, outlet_id = EXCLUDED.outlet_id, target_bonus = EXCLUDED.target_bonus
                WHERE (a.end_date, a.role, a.outlet_id, a.target_bonus)
                      IS DISTINCT FROM (EXCLUDED.end_date, EXCLUDED.role, EXCLUDED.outlet_id, EXCLUDED.target_bonus)
                """),
        ],
        tables: ["staff", "assignments"]
    )

    /// surveys.csv (key `response_id`); responses in a closed period are stored flagged late.
    static let surveys = CSVFormat(
        name: "surveys",
        columns: [
            Column("response_id", required: true), Column("outlet_code", required: true), Column("employee_no"),
            Column("responded_at", required: true, .instant), Column("channel"),
            Column("sat", required: true, .integer(1...5)), Column("nps", .integer(0...10)),
        ],
        rowRules: [],
        checks: [
            ImportSQL.unknownOutlet, ImportSQL.unknownEmployee,
            ImportSQL.duplicateKey("response_id", label: "'response ' || response_id"),
        ],
        merge: [
            ImportSQL.eventMerge(
                table: "survey_responses", key: "response_id",
                values: [
                    ("outlet_id", "o.id"), ("staff_id", "st.id"), ("responded_at", "s.responded_at::timestamptz"), ("channel", "s.channel"),
                    ("sat", "s.sat::smallint"), ("nps", "s.nps::smallint"),
                ],
                lateAt: "s.responded_at::timestamptz")
        ],
        tables: ["survey_responses"]
    )

    /// complaints.csv (key `complaint_id`); complaints opened in a closed period are stored flagged late.
    static let complaints = CSVFormat(
        name: "complaints",
        columns: [
            Column("complaint_id", required: true), Column("outlet_code", required: true), Column("employee_no"),
            Column("severity", required: true, .oneOf(["high", "medium", "low"])),
            Column("opened_at", required: true, .instant), Column("first_response_at", .instant), Column("resolved_at", .instant),
        ],
        rowRules: [notBefore("first_response_at", "opened_at"), notBefore("resolved_at", "opened_at")],
        checks: [
            ImportSQL.unknownOutlet, ImportSQL.unknownEmployee,
            ImportSQL.duplicateKey("complaint_id", label: "'complaint ' || complaint_id"),
        ],
        merge: [
            ImportSQL.eventMerge(
                table: "complaints", key: "complaint_id",
                values: [
                    ("outlet_id", "o.id"), ("staff_id", "st.id"), ("severity", "s.severity"), ("opened_at", "s.opened_at::timestamptz"),
                    ("first_response_at", "s.first_response_at::timestamptz"), ("resolved_at", "s.resolved_at::timestamptz"),
                ],
                lateAt: "s.opened_at::timestamptz")
        ],
        tables: ["complaints"],
        // A complaint that breached its time limit opens a corrective action (docs/actions.md).
        afterMerge: { conn in
            let now = Date()
            try ActionOpening.breachedComplaints(conn, among: .staged, asOf: now, now: now)
        }
    )

    /// visits.csv (key `visit_id`): planned visits; an `auditor` assigns the visit at once.
    /// A visit that has left `planned`/`assigned` (started, submitted, expired, cancelled) is
    /// not changed by a later import: its line is refused.
    static let visits = CSVFormat(
        name: "visits",
        columns: [
            Column("visit_id", required: true), Column("outlet_code", required: true), Column("template", required: true),
            Column("template_version", required: true, .integer(1...Int(Int32.max))),
            Column("window_from", required: true, .date), Column("window_to", required: true, .date), Column("auditor"),
        ],
        rowRules: [
            { values in
                guard let from = values["window_from"].flatMap(CivilDate.init), let to = values["window_to"].flatMap(CivilDate.init),
                    to < from
                else { return nil }
                return ("window_to", "window_to is before window_from")
            }
        ],
        checks: [
            ImportSQL.unknownOutlet,
            ImportSQL.duplicateKey("visit_id", label: "'visit ' || visit_id"),
            """
            SELECT s.line, 'template_version', format('unknown template %s version %s', s.template, s.template_version)
            FROM import_stage s
            WHERE NOT EXISTS (SELECT 1 FROM templates t WHERE t.tenant_id = app_current_tenant() AND t.code = s.template
                              AND t.version = s.template_version::integer)
            """,
            """
            SELECT s.line, 'auditor', format('unknown auditor %s (no enabled user with role auditor has this login)', s.auditor)
            FROM import_stage s
            WHERE s.auditor IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM users u WHERE u.tenant_id = app_current_tenant() AND u.login = s.auditor
                              AND u.role = 'auditor' AND NOT u.disabled)
            """,
            """
            SELECT s.line, 'visit_id', format('visit %s is %s and can no longer be changed', s.visit_id, replace(v.state, '_', ' '))
            FROM import_stage s JOIN visits v ON v.tenant_id = app_current_tenant() AND v.visit_id = s.visit_id
            WHERE v.state NOT IN ('planned', 'assigned')
              AND (v.outlet_id, v.template_code, v.template_version, v.window_from, v.window_to, v.auditor) IS DISTINCT FROM
                  ((SELECT o.id FROM outlets o WHERE o.tenant_id = app_current_tenant() AND o.code = s.outlet_code),
                   s.template, s.template_version::integer, s.window_from::date, s.window_to::date, coalesce(s.auditor, v.auditor))
            """,
        ],
        merge: [
            ImportSQL.counted(
                """
                INSERT INTO visits AS v (tenant_id, visit_id, outlet_id, template_code, template_version, window_from, window_to,
                                         auditor, state)
                SELECT app_current_tenant(), s.visit_id, o.id, s.template, s.template_version::integer, s.window_from::date,
                       s.window_to::date, s.auditor, CASE WHEN s.auditor IS NULL THEN 'planned' ELSE 'assigned' END
                FROM import_stage s
                JOIN outlets o ON o.tenant_id = app_current_tenant() AND o.code = s.outlet_code
                ON CONFLICT (tenant_id, visit_id) DO UPDATE
                SET outlet_id = EXCLUDED.outlet_id, template_code = EXCLUDED.template_code,
                    template_version = EXCLUDED.template_version, window_from = EXCLUDED.window_from,
                    window_to = EXCLUDED.window_to, auditor = EXCLUDED.auditor, state = EXCLUDED.state,
                    unassigned_reason = NULL, updated_at = now()
                WHERE v.state IN ('planned', 'assigned')
                  AND (v.outlet_id, v.template_code, v.template_version, v.window_from, v.window_to, v.auditor)
                      IS DISTINCT FROM (EXCLUDED.outlet_id, EXCLUDED.template_code, EXCLUDED.template_version,
                                        EXCLUDED.window_from, EXCLUDED.window_to, EXCLUDED.auditor)
                """)
        ],
        tables: ["visits"]
    )
}
