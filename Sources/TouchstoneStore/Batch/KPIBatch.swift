import Foundation
import PQ
import TouchstoneCore

/// Computes every KPI of the tenant for every staff member, outlet, region and the tenant
/// (rules.md §2–4), set-based inside PostgreSQL, and writes them into `kpi_results`.
///
/// Plan: each source table is scanned once for the period. Its events are reduced to additive
/// "cells" — a numerator and a denominator per KPI and outlet, and per KPI and staff member —
/// with GROUPING SETS. Outlet cells are then rolled up to every node above the outlet
/// (`batch_nodes`: the outlet, each of its regions' ancestors, the tenant) and divided.
/// The median (first response) is not additive: it is computed from the complaint slice
/// expanded over the same nodes. Nothing of the chain passes through Swift.
///
/// An incremental rerun (``BatchContext/incrementalSince``) runs the same statements over the
/// subjects whose inputs changed (``BatchScope``) and lets ``BatchRerun`` write what changed.
enum KPIBatch {
    /// Counts of what the run read.
    struct Read {
        var audits = 0
        var responses = 0
        var complaints = 0
    }

    /// Metrics whose value is the numerator itself (a count), not numerator / denominator.
    static let summedMetrics = ["audit.critical_failures", "complaint.count", "action.open_overdue"]

    /// The table the period's own run writes; a recomputation writes a scratch copy of it.
    /// The table name is spliced as SQL text (identifiers cannot be parameters): only this
    /// constant or ``AdjustmentStep``'s scratch table.
    static let periodResults = "kpi_results"

    /// Runs the KPI statements of `kpis` and writes the results into `table` (`kpi_results`,
    /// or a temporary table of the same shape); the caller has locked the tenant. Into
    /// `kpi_results`, a period's first run inserts its rows; a later full run recomputes every
    /// row and writes those that changed (``BatchRerun/writeAllChanged(_:_:)``), an incremental
    /// one those of the subjects that changed (``BatchRerun/writeChanged(_:_:)``). The temporary
    /// tables it works in are dropped before it returns, so it can run again in the same
    /// transaction, except `batch_changed` when it lists the rows a rerun changed.
    /// - Returns: rows written, what was read, and whether `batch_changed` lists the rows
    ///   written (a rerun over stored results: ``BatchRerun``).
    static func run(
        _ conn: PQConnection, context: BatchContext, kpis: [KPIDefinition],
        into table: String = periodResults
    ) throws -> (rows: Int, read: Read, listed: Bool) {
        let metrics = Set(kpis.map(\.metric))
        let sources = Set(metrics.map(\.source))
        var read = Read()
        let progress = context.progress
        var scope = BatchScope.all

        progress("preparing KPI definitions and the org tree")
        try conn.execute(
            """
            CREATE TEMP TABLE batch_kpis ON COMMIT DROP AS
            SELECT k.*, k.metric = ANY(\(summedMetrics)::text[]) AS summed, split_part(k.metric, '.', 1) AS source,
                   row_number() OVER (ORDER BY k.code) AS code_order
            FROM unnest(\(kpis.map(\.code))::text[], \(kpis.map(\.metric.description))::text[],
                        \(kpis.map { $0.metric.isAudit ? $0.template : nil })::text[], \(kpis.map(\.direction.rawValue))::text[],
                        \(kpis.map(\.threshold))::numeric[], \(kpis.map(\.target))::numeric[], \(kpis.map(\.minSample))::integer[])
                 AS k (code, metric, template_code, direction, threshold, target, min_sample)
            """)
        try conn.execute(
            script: """
                CREATE TEMP TABLE batch_cells (kpi_code text NOT NULL, outlet_id bigint, staff_id bigint,
                                               num numeric NOT NULL, den bigint NOT NULL) ON COMMIT DROP;
                CREATE TEMP TABLE batch_nodes ON COMMIT DROP AS
                SELECT o.id AS outlet_id, 'outlet'::text AS level, o.code AS subject FROM outlets o
                UNION ALL
                SELECT o.id, 'region', r.path
                FROM outlets o
                JOIN regions leaf ON leaf.tenant_id = o.tenant_id AND leaf.id = o.region_id
                CROSS JOIN LATERAL unnest(leaf.ancestors) AS a (id)
                JOIN regions r ON r.tenant_id = o.tenant_id AND r.id = a.id
                UNION ALL
                SELECT o.id, 'tenant', t.code FROM outlets o JOIN tenants t ON t.id = o.tenant_id;
                ANALYZE batch_nodes;
                """)

        // Actions first: a rerun compares every outlet's action cells with the stored ones to
        // find the outlets whose actions changed, before the other sources read the scope.
        if sources.contains("action") {
            progress("aggregating corrective actions")
            try actionCells(conn, context)
        }
        if context.incrementalSince != nil {
            scope = try BatchRerun.completeScope(conn, context, actions: sources.contains("action"))
        }
        if sources.contains("audit") && scope.reads("audit") {
            progress("reading audits")
            read.audits = try sliceAudits(conn, context, scope)
            progress("aggregating \(read.audits) audits")
            try auditCells(
                conn, scope,
                sectionsOrDimensions: metrics.contains { $0.description.hasPrefix("audit.section:") || $0.description.hasPrefix("audit.dimension:") })
        }
        if sources.contains("survey") && scope.reads("survey") {
            progress("reading and aggregating survey responses")
            read.responses = try surveyCells(conn, context, scope)
        }
        if sources.contains("complaint") && scope.reads("complaint") {
            progress("reading complaints")
            read.complaints = try sliceComplaints(conn, context)
            progress("aggregating \(read.complaints) complaints")
            try complaintCells(conn, scope)
        }
        if scope != .all {
            try BatchRerun.addStoredStaffCells(conn, context)
        }
        try conn.execute("ANALYZE batch_cells")
        let nodeSums = scope == .all ? cellSums : try BatchRerun.sumNodes(conn, context)

        // A full run over stored results computes them aside and writes only what changed.
        let replacing = try scope == .all && table == periodResults && hasResults(conn, context.period)
        if replacing { try BatchRerun.createRecomputed(conn) }
        progress("writing KPI results for staff, outlets, regions and the tenant")
        let target = scope == .all && !replacing ? table : BatchRerun.recomputedResults
        // A rerun places the leagues of the rows it changed afterwards (``BatchRerun``).
        let places = target == table
        var rows = try insertFromCells(
            conn, context, into: target, places: places, nodeSums: nodeSums)
        if metrics.contains(.complaintFirstResponseP50) && scope.reads("complaint") {
            progress("writing first-response medians")
            rows += try insertMedians(conn, context, scope, into: target, places: places)
        }
        if scope != .all {
            progress("writing the \(rows) results recomputed where they changed")
            rows = try BatchRerun.writeChanged(conn, context)
        } else if replacing {
            progress("writing those of the \(rows) results that changed")
            rows = try BatchRerun.writeAllChanged(conn, context)
        }
        try conn.execute("DROP TABLE IF EXISTS batch_kpis, batch_cells, batch_nodes, batch_node_sums, batch_audits, batch_complaints")
        return (rows, read, scope != .all || replacing)
    }

    /// Whether the period has stored results.
    private static func hasResults(_ conn: PQConnection, _ period: Period) throws -> Bool {
        try conn.queryFirst("SELECT EXISTS (SELECT 1 FROM \(unsafeRaw: periodResults) WHERE period = \(period.description))")!.decode(Bool.self)
    }

    // MARK: Audits

    /// Counted audits of the period (released/final, of a KPI's template, any version).
    private static func sliceAudits(_ conn: PQConnection, _ context: BatchContext, _ scope: BatchScope) throws -> Int {
        try conn.execute(
            """
            CREATE TEMP TABLE batch_audits ON COMMIT DROP AS
            SELECT a.id, a.template_code, a.outlet_id, a.served_by AS staff_id, a.score, a.critical_failure
            FROM audits a
            WHERE a.state IN ('released', 'final')
              AND a.visited_at >= \(context.start) AND a.visited_at < \(context.end)
              AND a.template_code IN (SELECT template_code FROM batch_kpis WHERE metric LIKE 'audit.%')
              \(fragment: scope.events("audit", outlet: "a.outlet_id", staff: "a.served_by"))
            """)
        try conn.execute("ANALYZE batch_audits")
        return try conn.queryFirst("SELECT count(*) FROM batch_audits")!.decode(Int.self)
    }

    /// Cells of audit.score, audit.critical_failures and (when asked) section and dimension KPIs.
    private static func auditCells(_ conn: PQConnection, _ scope: BatchScope, sectionsOrDimensions: Bool) throws {
        try conn.execute(
            """
            INSERT INTO batch_cells (kpi_code, outlet_id, staff_id, num, den)
            SELECT k.code, g.outlet_id, g.staff_id,
                   CASE k.metric WHEN 'audit.score' THEN coalesce(g.score_sum, 0) ELSE g.critical END,
                   CASE k.metric WHEN 'audit.score' THEN g.scored ELSE g.audits END
            FROM (SELECT template_code, outlet_id, staff_id, sum(score) AS score_sum, count(score) AS scored,
                         count(*) AS audits, count(*) FILTER (WHERE critical_failure) AS critical
                  FROM batch_audits
                  GROUP BY GROUPING SETS ((template_code, outlet_id), (template_code, staff_id))
                  HAVING \(fragment: scope.cells("audit", outlet: "outlet_id", staff: "staff_id"))) AS g
            JOIN batch_kpis k ON k.template_code = g.template_code AND k.metric IN ('audit.score', 'audit.critical_failures')
            """)
        guard sectionsOrDimensions else { return }
        try conn.execute(
            """
            INSERT INTO batch_cells (kpi_code, outlet_id, staff_id, num, den)
            SELECT k.code, g.outlet_id, g.staff_id, g.total, g.audits
            FROM (SELECT a.template_code, p.metric, a.outlet_id, a.staff_id, sum(p.score) AS total, count(*) AS audits
                  FROM batch_audits a
                  JOIN (SELECT audit_id, 'audit.section:' || section_code AS metric, score FROM audit_section_scores
                        UNION ALL
                        SELECT audit_id, 'audit.dimension:' || dimension, score FROM audit_dimension_scores) AS p
                    ON p.audit_id = a.id
                  WHERE p.metric IN (SELECT metric FROM batch_kpis)
                  GROUP BY GROUPING SETS ((a.template_code, p.metric, a.outlet_id), (a.template_code, p.metric, a.staff_id))
                  HAVING \(fragment: scope.cells("audit", outlet: "a.outlet_id", staff: "a.staff_id"))) AS g
            JOIN batch_kpis k ON k.template_code = g.template_code AND k.metric = g.metric
            """)
    }

    // MARK: Surveys

    /// Cells of the survey KPIs, straight from one scan of the period's responses.
    /// - Returns: the number of responses read.
    private static func surveyCells(_ conn: PQConnection, _ context: BatchContext, _ scope: BatchScope) throws -> Int {
        try conn.queryFirst(
            """
            WITH g AS (
                SELECT outlet_id, staff_id, count(sat) AS responses, count(*) FILTER (WHERE sat >= 4) AS top2,
                       sum(sat) AS sat_sum, count(nps) AS with_nps,
                       count(*) FILTER (WHERE nps >= 9) - count(*) FILTER (WHERE nps <= 6) AS net_promoters
                FROM survey_responses
                WHERE responded_at >= \(context.start) AND responded_at < \(context.end)
                  \(fragment: scope.events("survey", outlet: "outlet_id", staff: "staff_id"))
                GROUP BY GROUPING SETS ((outlet_id), (staff_id))
                HAVING \(fragment: scope.cells("survey", outlet: "outlet_id", staff: "staff_id"))),
            cells AS (
                INSERT INTO batch_cells (kpi_code, outlet_id, staff_id, num, den)
                SELECT k.code, g.outlet_id, g.staff_id,
                       CASE k.metric WHEN 'survey.top2box' THEN 100 * g.top2 WHEN 'survey.mean' THEN g.sat_sum
                                     ELSE 100 * g.net_promoters END,
                       CASE k.metric WHEN 'survey.nps' THEN g.with_nps ELSE g.responses END
                FROM g JOIN batch_kpis k ON k.metric LIKE 'survey.%')
            SELECT coalesce(sum(responses) FILTER (WHERE outlet_id IS NOT NULL), 0) FROM g
            """)!.decode(Int.self)
    }

    // MARK: Complaints

    /// Complaints opened in the period, with their SLA outcome as of the run's instant
    /// (rules.md §3: decided when resolved or when the deadline is at or before as-of) and
    /// exact minutes to first response.
    private static func sliceComplaints(_ conn: PQConnection, _ context: BatchContext) throws -> Int {
        try conn.execute(
            """
            CREATE TEMP TABLE batch_complaints ON COMMIT DROP AS
            SELECT c.outlet_id, c.staff_id,
                   c.resolved_at IS NOT NULL OR c.deadline <= \(context.asOf) AS decided,
                   c.resolved_at IS NOT NULL AND c.resolved_at <= c.deadline AS within,
                   extract(epoch FROM c.first_response_at - c.opened_at) / 60 AS response_minutes
            FROM \(fragment: periodComplaints(context)) AS c
            """)
        try conn.execute("ANALYZE batch_complaints")
        return try conn.queryFirst("SELECT count(*) FROM batch_complaints")!.decode(Int.self)
    }

    /// The complaints opened in the period, each with its SLA deadline (rules.md §3).
    static func periodComplaints(_ context: BatchContext) -> Query {
        """
        (SELECT c.*, c.opened_at + make_interval(hours => CASE c.severity WHEN 'high' THEN t.sla_high_hours
                                              WHEN 'medium' THEN t.sla_medium_hours ELSE t.sla_low_hours END) AS deadline
         FROM complaints c JOIN tenants t ON t.id = c.tenant_id
         WHERE c.opened_at >= \(context.start) AND c.opened_at < \(context.end))
        """
    }

    /// Cells of complaint.count and complaint.sla_rate.
    private static func complaintCells(_ conn: PQConnection, _ scope: BatchScope) throws {
        try conn.execute(
            """
            INSERT INTO batch_cells (kpi_code, outlet_id, staff_id, num, den)
            SELECT k.code, g.outlet_id, g.staff_id,
                   CASE k.metric WHEN 'complaint.count' THEN g.complaints ELSE 100 * g.within END,
                   CASE k.metric WHEN 'complaint.count' THEN g.complaints ELSE g.decided END
            FROM (SELECT outlet_id, staff_id, count(*) AS complaints, count(*) FILTER (WHERE decided) AS decided,
                         count(*) FILTER (WHERE within) AS within
                  FROM batch_complaints
                  GROUP BY GROUPING SETS ((outlet_id), (staff_id))
                  HAVING \(fragment: scope.cells("complaint", outlet: "outlet_id", staff: "staff_id"))) AS g
            JOIN batch_kpis k ON k.metric IN ('complaint.count', 'complaint.sla_rate')
            """)
    }

    // MARK: Corrective actions

    /// Cells of action.closure_on_time and action.open_overdue per outlet (no staff level): the
    /// twins of ``ActionMetrics`` in the core (docs/actions.md "KPI metrics"), from the actions'
    /// due, opening and verification instants as stored now.
    private static func actionCells(_ conn: PQConnection, _ context: BatchContext) throws {
        try conn.execute(
            """
            INSERT INTO batch_cells (kpi_code, outlet_id, staff_id, num, den)
            SELECT k.code, g.outlet_id, NULL,
                   CASE k.metric WHEN 'action.closure_on_time' THEN 100 * g.on_time ELSE g.overdue END,
                   CASE k.metric WHEN 'action.closure_on_time' THEN g.decided ELSE g.opened END
            FROM (SELECT outlet_id,
                         count(*) FILTER (WHERE in_period AND (verified OR due_at <= \(context.asOf))) AS decided,
                         count(*) FILTER (WHERE in_period AND verified AND verified_at <= due_at) AS on_time,
                         count(*) FILTER (WHERE opened_at <= \(context.asOf)) AS opened,
                         count(*) FILTER (WHERE opened_at <= \(context.asOf) AND NOT verified AND due_at < \(context.asOf)) AS overdue
                  FROM (SELECT outlet_id, opened_at, due_at, verified_at,
                               due_at >= \(context.start) AND due_at < \(context.end) AS in_period,
                               coalesce(verified_at <= \(context.asOf), false) AS verified
                        FROM actions) AS a
                  GROUP BY outlet_id) AS g
            JOIN batch_kpis k ON k.metric IN ('action.closure_on_time', 'action.open_overdue')
            """)
    }

    // MARK: Results

    /// Every node's sums (kpi_code, level, subject, num, den): the outlet cells rolled up over
    /// every node above the outlet.
    private static let cellSums: Query = """
        SELECT c.kpi_code, n.level, n.subject, sum(c.num) AS num, sum(c.den)::bigint AS den
        FROM batch_cells c JOIN batch_nodes n ON n.outlet_id = c.outlet_id
        GROUP BY c.kpi_code, n.level, n.subject
        """

    /// Staff cells as they are; the nodes' results from `nodeSums` (``cellSums``, or what an
    /// incremental rerun's ``BatchRerun/sumNodes(_:_:)`` returns). n = 0 gives no row; the status follows rules.md §4
    /// (`app_kpi_status`).
    private static func insertFromCells(
        _ conn: PQConnection, _ context: BatchContext, into table: String, places: Bool, nodeSums: Query
    ) throws -> Int {
        try insert(
            conn, context, into: table, places: places,
            results: """
                SELECT v.level, v.subject, k.code, v.value, v.den,
                       app_kpi_status(v.value, v.den, k.direction, k.threshold, k.target, k.min_sample), v.num
                FROM (SELECT c.kpi_code, 'staff' AS level, st.employee_no AS subject, c.den,
                         CASE WHEN k.summed THEN c.num ELSE c.num / c.den END AS value, c.num
                  FROM batch_cells c
                  JOIN batch_kpis k ON k.code = c.kpi_code
                  JOIN staff st ON st.id = c.staff_id
                  WHERE c.den > 0
                  UNION ALL
                  SELECT r.kpi_code, r.level, r.subject, r.den, CASE WHEN k.summed THEN r.num ELSE r.num / r.den END, r.num
                  FROM (\(fragment: nodeSums)) AS r
                  JOIN batch_kpis k ON k.code = r.kpi_code
                  WHERE r.den > 0) AS v
                JOIN batch_kpis k ON k.code = v.kpi_code
                """)
    }

    /// complaint.first_response_p50 at every level: the exact median of the minutes (for an
    /// even count the mean of the two middle values: the lower middle is percentile_disc(0.5)
    /// ascending, the upper middle percentile_disc(0.5) of the negated values).
    private static func insertMedians(
        _ conn: PQConnection, _ context: BatchContext, _ scope: BatchScope, into table: String, places: Bool
    ) throws -> Int {
        try insert(
            conn, context, into: table, places: places,
            results: """
                SELECT m.level, m.subject, k.code, m.value, m.n, app_kpi_status(m.value, m.n, k.direction, k.threshold, k.target, k.min_sample),
                       NULL::numeric
                FROM (SELECT e.level, e.subject, count(*) AS n,
                         (percentile_disc(0.5) WITHIN GROUP (ORDER BY e.minutes)
                          - percentile_disc(0.5) WITHIN GROUP (ORDER BY -e.minutes)) / 2 AS value
                  FROM (SELECT n.level, n.subject, c.response_minutes AS minutes
                        FROM batch_complaints c JOIN batch_nodes n ON n.outlet_id = c.outlet_id
                        WHERE c.response_minutes IS NOT NULL
                        UNION ALL
                        SELECT 'staff', st.employee_no, c.response_minutes
                        FROM batch_complaints c JOIN staff st ON st.id = c.staff_id
                        WHERE c.response_minutes IS NOT NULL \(fragment: scope.events(nil, outlet: nil, staff: "c.staff_id"))) AS e
                  GROUP BY e.level, e.subject) AS m
                CROSS JOIN batch_kpis k
                WHERE k.metric = 'complaint.first_response_p50'
                """)
    }

    /// Inserts `results` (level, subject, KPI code, value, n, status, numerator), with each outlet's
    /// and staff member's place in the whole chain's league of its KPI when `places` (sql/0310): the
    /// rank and the position the league API gives it, so a league page reads its rows by position.
    /// Every KPI's rows come from one call, so the places are over the whole table.
    private static func insert(_ conn: PQConnection, _ context: BatchContext, into table: String, places: Bool, results: Query) throws -> Int {
        let (placeColumns, placeValues, rows): (Query, Query, Query) =
            places
            ? (", league_rank, league_position", ", \(fragment: leaguePlaces)", "\(fragment: leagues(results)) \(fragment: leagueWindow)")
            : ("", "", "(\(fragment: results)) AS r (level, subject, kpi_code, value, n, status, num)")
        return try conn.execute(
            """
            INSERT INTO \(unsafeRaw: table) (tenant_id, period, level, subject, kpi_code, value, n, status, num, job_id\(fragment: placeColumns))
            SELECT app_current_tenant(), \(context.period.description)::text, r.level, r.subject, r.kpi_code, r.value, r.n, r.status,
                   r.num, \(context.jobID)::bigint\(fragment: placeValues)
            FROM \(fragment: rows)
            """)
    }

    /// `results` (level, subject, kpi_code, value, n, status, num) as `r`, each row with its league
    /// (`league_id`), whether it is ranked and its value in the league's order (`ordered`).
    static func leagues(_ results: Query) -> Query {
        """
        (SELECT x.*, x.level IN ('outlet', 'staff') AS ranked,
                CASE WHEN k.direction = 'higher' THEN -x.value ELSE x.value END AS ordered,
                k.code_order * 4 + CASE x.level WHEN 'outlet' THEN 0 WHEN 'region' THEN 1 WHEN 'staff' THEN 2 ELSE 3 END
                    AS league_id
         FROM (\(fragment: results)) AS x (level, subject, kpi_code, value, n, status, num)
         JOIN batch_kpis k ON k.code = x.kpi_code) AS r
        """
    }

    /// The league rank and position of a row `r` of ``leagues(_:)`` (two columns), over ``leagueWindow``.
    static let leaguePlaces: Query = """
        CASE WHEN r.ranked AND r.status <> 'insufficient'
             THEN rank() OVER (league ORDER BY r.status = 'insufficient', r.ordered) END,
        CASE WHEN r.ranked
             THEN row_number() OVER (league ORDER BY r.status = 'insufficient', r.ordered, r.subject COLLATE "C") END
        """

    /// One integer per (KPI, level): sorting 500,000 rows on it costs half what the two texts cost.
    /// Numbered in the order of the league index's (kpi_code, level), so the window's rows come out
    /// in that index's order (league, then position) and a first run appends to it.
    static let leagueWindow: Query = "WINDOW league AS (PARTITION BY r.league_id)"
}
