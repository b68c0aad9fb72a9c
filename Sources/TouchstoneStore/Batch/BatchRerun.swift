import Foundation
import PQ
import TouchstoneCore

/// The subjects a run of ``KPIBatch`` computes: all, or those of an incremental rerun (the
/// outlets in `batch_scope_outlets` and the staff members in `batch_scope_staff`, each with the
/// source whose events changed: `audit`, `survey`, `complaint`, `action`). The batch's
/// statements take their filters from here, so a rerun applies the same rules as a full run.
enum BatchScope: Equatable {
    case all
    /// The sources with a changed subject.
    case changed(sources: Set<String>)

    /// Whether the cells of `source` are computed at all.
    func reads(_ source: String) -> Bool {
        switch self {
        case .all: true
        case .changed(let sources): sources.contains(source)
        }
    }

    /// Condition (starting with AND) that an event row of `source` (nil: any) belongs to a changed
    /// outlet (when `outlet` names its column) or a changed staff member; nothing for a full run.
    func events(_ source: String?, outlet: String?, staff: String) -> Query {
        guard self != .all else { return "" }
        let person = "\(staff) IN (SELECT staff_id FROM batch_scope_staff\(Self.of(source)))"
        let place = outlet.map { "\($0) IN (SELECT outlet_id FROM batch_scope_outlets\(Self.of(source))) OR " } ?? ""
        return Query(unsafeSQL: " AND (\(place)\(person))")
    }

    /// HAVING condition of an aggregate of `source` grouped by the sets `(…, outlet)` and
    /// `(…, staff)`: the outlet cells and the staff cells (of the scope's subjects).
    func cells(_ source: String, outlet: String, staff: String) -> Query {
        guard self != .all else { return Query(unsafeSQL: "GROUPING(\(staff)) = 1 OR \(staff) IS NOT NULL") }
        return Query(
            unsafeSQL: "(GROUPING(\(staff)) = 1 AND \(outlet) IN (SELECT outlet_id FROM batch_scope_outlets\(Self.of(source))))"
                + " OR \(staff) IN (SELECT staff_id FROM batch_scope_staff\(Self.of(source)))")
    }

    /// The WHERE of a scope table's rows of `source` (a constant).
    private static func of(_ source: String?) -> String { source.map { " WHERE source = '\($0)'" } ?? "" }
}

/// Incremental reruns (docs/kpi-batch.md "Reruns", sql/0320): what changed since the period's
/// previous run, and the statements that write only the results it changed.
enum BatchRerun {
    /// The temporary table a rerun's results are computed into before ``writeChanged(_:_:)``.
    /// Spliced as SQL text: a constant.
    static let recomputedResults = "batch_recomputed_results"

    /// Takes the period's dirty rows into `batch_dirty_taken`, in the statement that also returns
    /// its snapshot (sql/0320 says why nothing committed meanwhile is lost), and whether a bulk
    /// statement dirtied the period whole (a row with no outlet, sql/0420): then the run must be
    /// full. Every run takes them, a full one too: it recomputes everything.
    ///
    /// It also drops the rows of the periods whose next run cannot be incremental, because no
    /// succeeded run of theirs recorded a snapshot (a quarter of a tenant that runs months): no
    /// run would ever read them. The caller holds the tenant's batch lock, so none of those
    /// periods has a run in progress whose rows would be needed by the next one.
    static func takeDirty(_ conn: PQConnection, period: Period) throws -> (snapshot: String, whole: Bool) {
        try conn.execute(
            "CREATE TEMP TABLE batch_dirty_taken (source text NOT NULL, outlet_id bigint NOT NULL, staff_id bigint) ON COMMIT DROP")
        try conn.execute(
            """
            DELETE FROM batch_dirty d
            WHERE d.period <> \(period.description) AND NOT EXISTS (
                SELECT 1 FROM batch_jobs j WHERE j.period = d.period AND j.state = 'succeeded' AND j.inputs ? 'snapshot')
            """)
        return try conn.queryFirst(
            """
            WITH taken AS (DELETE FROM batch_dirty WHERE period = \(period.description) RETURNING source, outlet_id, staff_id),
            kept AS (INSERT INTO batch_dirty_taken SELECT DISTINCT source, outlet_id, staff_id FROM taken WHERE outlet_id IS NOT NULL)
            SELECT pg_current_snapshot()::text, EXISTS (SELECT 1 FROM taken WHERE outlet_id IS NULL)
            """)!.decode((String, Bool).self)
    }

    /// The as-of of the period's previous run when this run may be incremental: the previous
    /// succeeded run recorded its snapshot and no org, tenant setting, KPI definition or plan
    /// changed after it (`batch_input_changes` has no row its snapshot does not see).
    static func incrementalSince(_ conn: PQConnection, period: Period) throws -> Date? {
        guard
            let row = try conn.queryFirst(
                """
                SELECT as_of, inputs->>'snapshot' FROM batch_jobs
                WHERE period = \(period.description) AND state = 'succeeded' ORDER BY id DESC LIMIT 1
                """)
        else { return nil }
        let (asOf, snapshot) = try row.decode((Date, String?).self)
        guard let snapshot else { return nil }
        let changed = try conn.queryFirst(
            """
            SELECT EXISTS (SELECT 1 FROM batch_input_changes
                           WHERE xact >= pg_snapshot_xmin(\(snapshot)::pg_snapshot)
                             AND NOT pg_visible_in_snapshot(xact, \(snapshot)::pg_snapshot))
            """)!.decode(Bool.self)
        return changed ? nil : asOf
    }

    /// The scope of a rerun: the outlets and staff members of the dirty rows taken, and of the
    /// complaints whose SLA outcome the move of the as-of decided (unresolved, deadline between
    /// the two as-ofs). The actions' outlets are added by ``completeScope(_:_:actions:)``.
    static func collectScope(_ conn: PQConnection, _ context: BatchContext, since previousAsOf: Date) throws -> BatchInputs.Recomputed {
        let (low, high) = (min(previousAsOf, context.asOf), max(previousAsOf, context.asOf))
        try conn.execute(
            """
            CREATE TEMP TABLE batch_turned ON COMMIT DROP AS
            SELECT 'complaint' AS source, c.outlet_id, c.staff_id FROM \(fragment: KPIBatch.periodComplaints(context)) AS c
            WHERE c.resolved_at IS NULL AND c.deadline > \(low) AND c.deadline <= \(high)
            """)
        try conn.execute(
            script: """
                CREATE TEMP TABLE batch_scope_outlets ON COMMIT DROP AS
                SELECT source, outlet_id FROM batch_dirty_taken UNION SELECT source, outlet_id FROM batch_turned;
                CREATE TEMP TABLE batch_scope_staff ON COMMIT DROP AS
                SELECT source, staff_id FROM batch_dirty_taken WHERE staff_id IS NOT NULL
                UNION SELECT source, staff_id FROM batch_turned WHERE staff_id IS NOT NULL;
                DROP TABLE batch_turned;
                """)
        try createRecomputed(conn)
        return try recomputed(conn)
    }

    /// Creates the (empty) temporary table ``recomputedResults``.
    static func createRecomputed(_ conn: PQConnection) throws {
        try conn.execute("CREATE TEMP TABLE \(unsafeRaw: recomputedResults) (LIKE kpi_results) ON COMMIT DROP")
    }

    /// How many outlets and staff members the scope holds.
    static func recomputed(_ conn: PQConnection) throws -> BatchInputs.Recomputed {
        let (outlets, staff) = try conn.queryFirst(
            "SELECT (SELECT count(DISTINCT outlet_id) FROM batch_scope_outlets), (SELECT count(DISTINCT staff_id) FROM batch_scope_staff)"
        )!.decode((Int, Int).self)
        return BatchInputs.Recomputed(outlets: outlets, staff: staff)
    }

    /// Adds the outlets whose action cells (just computed for every outlet into `batch_cells`)
    /// differ from their stored results, keeps only those cells, and narrows `batch_nodes` to the
    /// nodes above the scope's outlets (each still with every outlet under it). When no complaint
    /// changed, the medians of first responses (the one KPI not summed from cells) stand as stored:
    /// their KPIs leave `batch_kpis`, so the rerun neither computes nor compares them.
    /// - Returns: the scope, with the sources it recomputes.
    static func completeScope(_ conn: PQConnection, _ context: BatchContext, actions: Bool) throws -> BatchScope {
        if actions {
            try conn.execute(
                """
                INSERT INTO batch_scope_outlets
                SELECT 'action', coalesce(c.outlet_id, s.outlet_id)
                FROM (SELECT kpi_code, outlet_id, num, den FROM batch_cells WHERE den > 0) AS c
                FULL JOIN (SELECT r.kpi_code, o.id AS outlet_id, r.num, r.n::bigint AS den
                           FROM \(unsafeRaw: KPIBatch.periodResults) r JOIN outlets o ON o.code = r.subject
                           WHERE r.period = \(context.period.description) AND r.level = 'outlet' AND r.num IS NOT NULL
                             AND r.kpi_code IN (SELECT code FROM batch_kpis WHERE source = 'action')) AS s USING (kpi_code, outlet_id)
                WHERE (c.num::text, c.den) IS DISTINCT FROM (s.num::text, s.den)
                EXCEPT SELECT source, outlet_id FROM batch_scope_outlets
                """)
            try conn.execute("DELETE FROM batch_cells WHERE outlet_id NOT IN (SELECT outlet_id FROM batch_scope_outlets WHERE source = 'action')")
        }
        try conn.execute(
            script: """
                ANALYZE batch_scope_outlets;
                ANALYZE batch_scope_staff;
                DELETE FROM batch_nodes n
                WHERE NOT EXISTS (SELECT 1 FROM batch_nodes s JOIN batch_scope_outlets o ON o.outlet_id = s.outlet_id
                                  WHERE s.level = n.level AND s.subject = n.subject);
                ANALYZE batch_nodes;
                """)
        let sources = try conn.query("SELECT source FROM batch_scope_outlets UNION SELECT source FROM batch_scope_staff")
            .map { try $0.decode(0, as: String.self) }
        let scope = BatchScope.changed(sources: Set(sources))
        if !scope.reads("complaint") {
            try conn.execute("DELETE FROM batch_kpis WHERE metric = \(Metric.complaintFirstResponseP50.description)")
        }
        return scope
    }

    /// Adds the stored cells of the recomputed staff members for the sources whose events of
    /// theirs did not change (their results' numerator and n), so that every staff result is
    /// computed again from cells.
    static func addStoredStaffCells(_ conn: PQConnection, _ context: BatchContext) throws {
        try conn.execute(
            """
            INSERT INTO batch_cells (kpi_code, outlet_id, staff_id, num, den)
            SELECT r.kpi_code, NULL, st.id, r.num, r.n
            FROM \(unsafeRaw: KPIBatch.periodResults) r JOIN staff st ON st.employee_no = r.subject JOIN batch_kpis k ON k.code = r.kpi_code
            WHERE r.period = \(context.period.description) AND r.level = 'staff' AND r.num IS NOT NULL
              AND st.id IN (SELECT staff_id FROM batch_scope_staff)
              AND NOT EXISTS (SELECT 1 FROM batch_scope_staff p WHERE p.staff_id = st.id AND p.source = k.source)
            """)
    }

    /// Computes the sums of the nodes above the scope's outlets (the outlets themselves, their
    /// regions, the tenant) into `batch_node_sums` without reading the cells of the outlets that
    /// did not change: each node's stored numerator and n, plus the recomputed cells of its scope
    /// outlets, minus their stored ones (every sum exact: `numeric` and integers). A node with no
    /// stored row starts from zero; a KPI of a source with nothing changed keeps its stored sums.
    ///
    /// The numerator's scale is the full run's too. A sum's scale is the largest of its terms'; so
    /// is the stored sum's, so the delta's scale is the full run's unless a cell taken out had the
    /// largest scale of the node's old cells and every recomputed cell has less. Only those sums
    /// look for the largest scale among the stored cells of the node's other outlets, and are
    /// rounded to it (the exact sum has no digit beyond it: nothing is lost).
    /// - Returns: the query of the sums, as (kpi_code, level, subject, num, den), for ``KPIBatch``'s
    ///   node results.
    static func sumNodes(_ conn: PQConnection, _ context: BatchContext) throws -> Query {
        let period = context.period.description
        try conn.execute(
            """
            CREATE TEMP TABLE batch_node_sums ON COMMIT DROP AS
            WITH changed AS (
                SELECT kpi_code, outlet_id, num, den, true AS recomputed FROM batch_cells WHERE outlet_id IS NOT NULL
                UNION ALL
                SELECT r.kpi_code, o.id, r.num, r.n, false
                FROM batch_scope_outlets so
                JOIN batch_kpis k ON k.source = so.source
                JOIN outlets o ON o.id = so.outlet_id
                JOIN \(unsafeRaw: KPIBatch.periodResults) r
                  ON r.period = \(period) AND r.level = 'outlet' AND r.subject = o.code AND r.kpi_code = k.code
                WHERE r.num IS NOT NULL),
            delta AS (
                SELECT c.kpi_code, n.level, n.subject,
                       sum(CASE WHEN c.recomputed THEN c.num ELSE -c.num END) AS num,
                       sum(CASE WHEN c.recomputed THEN c.den ELSE -c.den END) AS den,
                       coalesce(max(scale(c.num)) FILTER (WHERE c.recomputed), 0) AS new_scale,
                       coalesce(max(scale(c.num)) FILTER (WHERE NOT c.recomputed), 0) AS old_scale
                FROM changed c JOIN batch_nodes n ON n.outlet_id = c.outlet_id
                GROUP BY c.kpi_code, n.level, n.subject),
            stored AS (
                SELECT r.kpi_code, r.level, r.subject, r.num, r.n
                FROM \(unsafeRaw: KPIBatch.periodResults) r JOIN (SELECT DISTINCT level, subject FROM batch_nodes) AS a USING (level, subject)
                WHERE r.period = \(period) AND r.num IS NOT NULL AND r.kpi_code IN (SELECT code FROM batch_kpis))
            SELECT kpi_code, level, subject,
                   coalesce(s.num, 0) + coalesce(d.num, 0) AS num, (coalesce(s.n, 0) + coalesce(d.den, 0))::bigint AS den,
                   d.new_scale, d.old_scale > d.new_scale AND d.old_scale >= coalesce(scale(s.num), 0) AS rescale
            FROM stored s FULL JOIN delta d USING (kpi_code, level, subject)
            """)
        try conn.execute(
            """
            UPDATE batch_node_sums s
            SET num = round(s.num, greatest(s.new_scale, (
                SELECT coalesce(max(scale(r.num)), 0)
                FROM batch_nodes n
                JOIN outlets o ON o.id = n.outlet_id
                JOIN \(unsafeRaw: KPIBatch.periodResults) r
                  ON r.period = \(period) AND r.level = 'outlet' AND r.subject = o.code AND r.kpi_code = s.kpi_code
                WHERE n.level = s.level AND n.subject = s.subject AND r.num IS NOT NULL
                  AND NOT EXISTS (SELECT 1 FROM batch_scope_outlets so JOIN batch_kpis k ON k.source = so.source
                                  WHERE so.outlet_id = n.outlet_id AND k.code = s.kpi_code))))
            WHERE s.rescale
            """)
        return "SELECT kpi_code, level, subject, num, den FROM batch_node_sums"
    }

    /// The columns of `batch_changed` that say how a changed row (recomputed `n`, stored `o`)
    /// moves the counts per region (``KPISummaryQueries/adjustScopeCounts(_:period:)``): it
    /// turned red or back, it was added or removed.
    private static let countsChanged: Query = """
        level IN ('outlet', 'staff') AND coalesce(n.status = 'red', false) <> coalesce(o.status = 'red', false) AS red_changed,
        level IN ('outlet', 'staff') AND (n.status IS NULL) <> (o.status IS NULL) AS present_changed
        """

    /// Replaces the results of the recomputed subjects that changed (value, n, status or
    /// numerator, compared as text: 1.50 and 1.5 are not the same result), places the leagues
    /// of the KPIs that changed again (writing only the rows whose place moved), and lists the
    /// people whose payouts may change in `batch_payout_people`.
    /// - Returns: the result rows written.
    static func writeChanged(_ conn: PQConnection, _ context: BatchContext) throws -> Int {
        let period = context.period.description
        try conn.execute(
            """
            CREATE TEMP TABLE batch_changed ON COMMIT DROP AS
            WITH affected AS (
                SELECT DISTINCT level, subject FROM batch_nodes
                UNION SELECT 'staff', st.employee_no FROM staff st WHERE st.id IN (SELECT staff_id FROM batch_scope_staff))
            SELECT level, subject, kpi_code,
                   \(fragment: countsChanged)
            FROM \(unsafeRaw: recomputedResults) n
            FULL JOIN (SELECT r.* FROM \(unsafeRaw: KPIBatch.periodResults) r JOIN affected a USING (level, subject)
                       WHERE r.period = \(period) AND r.kpi_code IN (SELECT code FROM batch_kpis)) AS o
                 USING (level, subject, kpi_code)
            WHERE (n.value::text, n.n, n.status, n.num::text) IS DISTINCT FROM (o.value::text, o.n, o.status, o.num::text)
            """)
        let rows = try replaceChanged(conn, context)
        try placeChangedLeagues(conn, context, unplaced: false)
        try conn.execute(
            """
            CREATE TEMP TABLE batch_payout_people ON COMMIT DROP AS
            SELECT subject AS employee_no FROM batch_changed WHERE level = 'staff'
            UNION
            SELECT st.employee_no
            FROM batch_changed c
            JOIN outlets o ON o.code = c.subject
            JOIN assignments a ON a.tenant_id = o.tenant_id AND a.outlet_id = o.id
            JOIN staff st ON st.tenant_id = a.tenant_id AND st.id = a.staff_id
            WHERE c.level = 'outlet' AND a.start_date <= \(context.period.lastDay.description)::date
              AND (a.end_date IS NULL OR a.end_date >= \(context.period.firstDay.description)::date)
            """)
        try conn.execute("DROP TABLE \(unsafeRaw: recomputedResults)")
        return rows
    }

    /// A full run over a period that has results: writes only the rows whose value, n, status or
    /// numerator differ from the stored ones (all of them are recomputed) and deletes the stored
    /// rows no longer computed (a subject or KPI gone), listed in `batch_changed`; then places
    /// again the leagues with a change, and those with a row never placed. Unchanged rows keep
    /// the job of the run that wrote them, and a rerun that changes nothing writes nothing and
    /// sorts no league.
    /// - Returns: the result rows written.
    static func writeAllChanged(_ conn: PQConnection, _ context: BatchContext) throws -> Int {
        try conn.execute(
            """
            CREATE TEMP TABLE batch_changed ON COMMIT DROP AS
            SELECT level, subject, kpi_code, \(fragment: countsChanged)
            FROM \(unsafeRaw: recomputedResults) n
            FULL JOIN (SELECT * FROM \(unsafeRaw: KPIBatch.periodResults) WHERE period = \(context.period.description)) AS o
                 USING (level, subject, kpi_code)
            WHERE (n.value::text, n.n, n.status, n.num::text) IS DISTINCT FROM (o.value::text, o.n, o.status, o.num::text)
            """)
        let rows = try replaceChanged(conn, context)
        try placeChangedLeagues(conn, context, unplaced: true)
        try conn.execute("DROP TABLE \(unsafeRaw: recomputedResults)")
        return rows
    }

    /// Places again the leagues (KPI and level, outlets and staff) with a row in `batch_changed`,
    /// and when `unplaced` those with a ranked row that has no place (written before sql/0310),
    /// over the stored rows, and writes the places of the rows whose place moved.
    private static func placeChangedLeagues(_ conn: PQConnection, _ context: BatchContext, unplaced: Bool) throws {
        let period = context.period.description
        // Probes of the league index, one per league (KPI and level), for a row without a place.
        let neverPlaced: Query =
            unplaced
            ? """
            UNION
            SELECT k.code, l.level FROM batch_kpis k CROSS JOIN (VALUES ('outlet'), ('staff')) AS l (level)
            WHERE EXISTS (SELECT 1 FROM \(unsafeRaw: KPIBatch.periodResults) u
                          WHERE u.period = \(period) AND u.kpi_code = k.code AND u.level = l.level AND u.league_position IS NULL)
            """
            : ""
        // The leagues placed again, read by the league index (with each row's stored place, after
        // the seven columns ``KPIBatch/leagues(_:)`` names); only the rows whose place moved are written.
        let changedLeagues: Query = """
            SELECT r.level, r.subject, r.kpi_code, r.value, r.n, r.status, r.num, r.league_rank, r.league_position
            FROM (SELECT DISTINCT kpi_code, level FROM batch_changed WHERE level IN ('outlet', 'staff') \(fragment: neverPlaced)) AS l
            JOIN \(unsafeRaw: KPIBatch.periodResults) r ON r.period = \(period) AND r.kpi_code = l.kpi_code AND r.level = l.level
            """
        try conn.execute(
            """
            CREATE TEMP TABLE batch_moved ON COMMIT DROP AS
            SELECT p.level, p.subject, p.kpi_code, p.rank, p.position
            FROM (SELECT r.level, r.subject, r.kpi_code, r.league_rank, r.league_position, \(fragment: KPIBatch.leaguePlaces)
                  FROM \(fragment: KPIBatch.leagues(changedLeagues))
                  \(fragment: KPIBatch.leagueWindow)) AS p (level, subject, kpi_code, stored_rank, stored_position, rank, position)
            WHERE (p.stored_rank, p.stored_position) IS DISTINCT FROM (p.rank, p.position)
            """)
        try conn.execute("ANALYZE batch_moved")
        // By key, not by hashing the period's half a million rows: the planner prices both alike
        // (26,918 against 26,917 for 5,159 moved rows) and took the hash, 325 ms against 105 ms.
        _ = try conn.without(.hashJoins) {
            try conn.execute(
                """
                UPDATE \(unsafeRaw: KPIBatch.periodResults) t SET league_rank = m.rank, league_position = m.position
                FROM batch_moved m
                WHERE t.period = \(period) AND t.level = m.level AND t.subject = m.subject AND t.kpi_code = m.kpi_code
                """)
        }
    }

    /// Deletes the stored results named in `batch_changed` and inserts their recomputed rows,
    /// without league places (``placeChangedLeagues(_:_:unplaced:)`` sets them).
    /// - Returns: the rows inserted.
    private static func replaceChanged(_ conn: PQConnection, _ context: BatchContext) throws -> Int {
        let period = context.period.description
        // Planned on its real size: often a handful of rows, or none.
        try conn.execute("ANALYZE batch_changed")
        try conn.execute(
            """
            DELETE FROM \(unsafeRaw: KPIBatch.periodResults) r USING batch_changed c
            WHERE r.period = \(period) AND r.level = c.level AND r.subject = c.subject AND r.kpi_code = c.kpi_code
            """)
        return try conn.execute(
            """
            INSERT INTO \(unsafeRaw: KPIBatch.periodResults) (tenant_id, period, level, subject, kpi_code, value, n, status, num, job_id)
            SELECT n.tenant_id, n.period, n.level, n.subject, n.kpi_code, n.value, n.n, n.status, n.num, n.job_id
            FROM \(unsafeRaw: recomputedResults) n JOIN batch_changed c USING (level, subject, kpi_code)
            """)
    }
}
