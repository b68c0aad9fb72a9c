import DecimalText
import Foundation
public import PQ
public import TouchstoneCore

/// The batch step that turns a period's `kpi_results` into draft payouts (rules.md §5).
///
/// It runs inside the batch transaction right after the KPIs: the period's draft payouts
/// are recomputed and replaced (only the rows that changed are written), so readers see the
/// old rows until the commit. People are
/// streamed through a server-side cursor, 2000 at a time, each chunk computed by
/// ``PayoutEngine`` while the server inserts the previous one and fetches the next, so
/// memory stays constant whatever the size of the chain. The rules themselves live in TouchstoneCore only.
public enum PayoutStep {
    /// What one run read and wrote; recorded in the job's `inputs` under `payouts`.
    public struct Summary: Sendable, Codable, Equatable {
        /// The plan versions applied: `code` → version.
        public var plans: [String: Int] = [:]
        /// People with an assignment in one of the plans' roles during the period.
        public var people = 0
        /// Staff- and outlet-level KPI values read.
        public var staffValues = 0
        public var outletValues = 0
        /// Payout rows written.
        public var rows = 0
    }

    /// The step as the batch runs it (`BatchRunner.withPayouts`): returns the payout rows written.
    /// An incremental rerun recomputes the people its changed results name (`batch_payout_people`).
    public static let step: BatchStep = { conn, context in
        try run(conn, period: context.period, jobID: context.jobID, onlyChanged: context.incrementalSince != nil, progress: context.progress)
            .rows
    }

    /// People fetched per round trip.
    static let chunk = 2000

    /// Replaces the draft payouts of `period` on `conn` (inside the batch transaction, as
    /// the tenant) and records what it read in the `batch_jobs` row `jobID`. With `onlyChanged`,
    /// only those of the people in `batch_payout_people` (``BatchRerun``), and the adjustment
    /// rows, which ``AdjustmentStep`` writes again.
    /// - Throws: ``StoreError/periodClosed(_:)`` (via the database) when the period is closed,
    ///   ``StoreError/invalidState(_:)`` when a stored plan no longer validates.
    @discardableResult
    public static func run(
        _ conn: PQConnection, period: Period, jobID: Int64, onlyChanged: Bool = false,
        progress: (String) -> Void = { _ in }
    ) throws -> Summary {
        let kpis = try PlanQueries.knownKPIs(conn)
        let plans = try PlanQueries.latest(conn, kind: period.kind, kpis: kpis)
        // Everyone when the period's previous run computed no payouts (a run without this step).
        let previousPaid =
            try conn.queryFirst(
                """
                SELECT inputs ? 'payouts' FROM batch_jobs WHERE period = \(period.description) AND state = 'succeeded'
                ORDER BY id DESC LIMIT 1
                """)?.decode(0, as: Bool.self) ?? false
        let people: People = onlyChanged && previousPaid ? .changed : .everyone
        // Everyone's payouts over stored ones are compared with them as they are computed; only
        // the rows that changed are written. Those of changed people are deleted and computed again.
        let replacing =
            try people == .everyone
            && conn.queryFirst("SELECT EXISTS (SELECT 1 FROM payouts WHERE period = \(period.description))")!.decode(Bool.self)
        if people == .changed {
            try conn.execute("DELETE FROM payouts WHERE period = \(period.description) AND \(fragment: people.matching("employee_no"))")
        }
        // Adjustment rows are written again by AdjustmentStep.
        try conn.execute("DELETE FROM payouts WHERE period = \(period.description) AND adjusts_period <> ''")
        // A rerun is a new computation: the rows it keeps lose their approval too (docs/payroll.md).
        try conn.execute(
            "UPDATE payouts SET approved_by = NULL, approved_at = NULL WHERE period = \(period.description) AND approved_by IS NOT NULL")
        let summary = try compute(conn, period: period, plans: plans, definitions: kpis, people: people, replacing: replacing, jobID: jobID)
        progress("\(summary.rows) payout rows written for \(summary.people) people under \(plans.count) plans")
        try record(conn, summary, jobID: jobID)
        return summary
    }

    /// Computes the payouts of `plans` for `period` from the KPI values in `results` and
    /// inserts them into `table` (`payouts`, or a temporary table of the same shape when a
    /// closed period is recomputed from a scratch copy of its KPI results). Both table names
    /// are spliced as SQL text: each is one of those constants (``KPIBatch/periodResults``,
    /// ``AdjustmentStep``'s scratch tables), never caller input.
    ///
    /// With `replacing` (everyone's payouts over the period's stored ones, in `table`), each
    /// computed row is compared with the person's stored row of its plan, read with the person:
    /// only the rows that differ in any column but the job and the approval (explanations by
    /// their digest, sql/0390) are written, and the stored rows no longer computed are deleted.
    /// Rows that did not change keep the job that wrote them. `Summary.rows` counts the rows written.
    static func compute(
        _ conn: PQConnection, period: Period, plans: [(version: Int, plan: Plan)],
        definitions: [String: KPIDefinition], results: String = KPIBatch.periodResults,
        into table: String = "payouts", people: People = .everyone, replacing: Bool = false, jobID: Int64
    ) throws -> Summary {
        var summary = Summary()
        summary.plans = Dictionary(uniqueKeysWithValues: plans.map { ($0.plan.code, $0.version) })
        guard !plans.isEmpty else {
            if replacing { try conn.execute("DELETE FROM \(unsafeRaw: table) WHERE period = \(period.description) AND adjusts_period = ''") }
            return summary
        }
        let outletKPIs = try loadOutletKPIs(
            conn, period: period, codes: codes(plans.map { $0.plan }, level: .outlet), from: results, people: people)
        summary.outletValues = outletKPIs.values.reduce(0) { $0 + $1.count }
        // While a chunk is computed, the server writes the previous chunk's changes and fetches
        // the next chunk (one pipeline): neither side waits for the other.
        try withPeople(
            conn, period: period, plans: plans, staffCodes: codes(plans.map { $0.plan }, level: .staff),
            from: results, people: people, storedIn: replacing ? table : nil
        ) { fetch in
            // The people of `rows` decoded and computed on every core (pure work: the engine, the
            // explanations' JSON and their digests), in order.
            func computeChunk(_ rows: PQRows) throws -> Changes {
                let computed = Array(rows).concurrentMap { row in
                    Result { () throws -> (staffValues: Int, changes: Changes) in
                        let person = try decodePerson(row)
                        let rows = plans.compactMap { version, plan in
                            PayoutEngine.compute(
                                plan: plan, period: period, person: person.person, staffKPIs: person.staffKPIs,
                                outletKPIs: outletKPIs, definitions: definitions
                            ).map { Row(plan: plan, version: version, result: $0) }
                        }
                        let changes = replacing ? Changes(rows, over: try decodeStored(row), of: person.person.employeeNo) : Changes(rows: rows)
                        return (person.staffKPIs.count, changes)
                    }
                }
                var changes = Changes()
                for result in computed {
                    let (staffValues, personChanges) = try result.get()
                    summary.people += 1
                    summary.staffValues += staffValues
                    changes.append(personChanges)
                }
                return changes
            }
            var fetched = try conn.query(fetch)
            var pending = Changes()
            // Each round writes the previous chunk's changes, then fetches the next chunk while
            // this one is computed; the last round only writes.
            while true {
                let current = fetched
                let more = !current.isEmpty
                let writes = pending.statements(period: period, jobID: jobID, into: table)
                let (done, computed) = try conn.pipeline(writes.queries + (more ? [fetch] : [])) {
                    more ? try computeChunk(current) : Changes()
                }
                summary.rows += writes.insert.map { done[$0].affectedRows } ?? 0
                guard more else { break }
                fetched = done[done.count - 1]
                pending = computed
            }
            if replacing {
                // The stored rows of people no longer paid under any plan.
                try conn.execute(
                    """
                    DELETE FROM \(unsafeRaw: table) p
                    WHERE p.period = \(period.description) AND p.adjusts_period = ''
                      AND NOT EXISTS (SELECT 1 FROM payout_paid x WHERE x.employee_no = p.employee_no)
                    """)
            }
        }
        return summary
    }

    /// The payout rows a chunk of people writes, and the stored rows it deletes first (a row
    /// that changed, or that is no longer computed), by employee number and plan.
    struct Changes {
        var rows: [Row] = []
        var deleted: (employeeNo: [String], plan: [String]) = ([], [])

        init(rows: [Row] = []) {
            self.rows = rows
        }

        /// The rows of `computed` that differ from the person's `stored` ones, and the stored
        /// ones they replace or that are no longer computed.
        init(_ computed: [Row], over stored: [String: StoredRow], of employeeNo: String) {
            var unmatched = stored
            for row in computed {
                let kept = unmatched.removeValue(forKey: row.plan)
                if kept == row.stored { continue }
                rows.append(row)
                if kept != nil {
                    deleted.employeeNo.append(employeeNo)
                    deleted.plan.append(row.plan)
                }
            }
            for plan in unmatched.keys.sorted() {
                deleted.employeeNo.append(employeeNo)
                deleted.plan.append(plan)
            }
        }

        mutating func append(_ other: Changes) {
            rows += other.rows
            deleted.employeeNo += other.deleted.employeeNo
            deleted.plan += other.deleted.plan
        }

        /// The statements writing these changes into `table`, in order (none when there are
        /// none), and which of them is the insert.
        func statements(period: Period, jobID: Int64, into table: String) -> (queries: [Query], insert: Int?) {
            var queries: [Query] = []
            if !deleted.plan.isEmpty {
                queries.append(
                    """
                    DELETE FROM \(unsafeRaw: table)
                    WHERE period = \(period.description) AND adjusts_period = ''
                      AND (employee_no, plan_code) IN (SELECT * FROM unnest(\(PQTextArray(deleted.employeeNo))::text[], \(PQTextArray(deleted.plan))::text[]))
                    """)
            }
            guard !rows.isEmpty else { return (queries, nil) }
            queries.append(PayoutStep.insert(rows, period: period, jobID: jobID, into: table))
            return (queries, queries.count - 1)
        }
    }

    /// Whose payouts a run computes.
    enum People {
        case everyone
        /// Those in `batch_payout_people` (``BatchRerun``).
        case changed

        /// The condition that `column` (an employee number) names one of them.
        func matching(_ column: String) -> Query {
            self == .everyone ? "true" : Query(unsafeSQL: "\(column) IN (SELECT employee_no FROM batch_payout_people)")
        }

        /// The condition that `column` (a staff id) names one of them.
        func matchingStaff(_ column: String) -> Query {
            self == .everyone ? "true" : "\(unsafeRaw: column) IN (SELECT id FROM staff WHERE \(fragment: matching("employee_no")))"
        }

        /// The condition that `column` (an outlet code) names an outlet one of them was ever assigned to.
        func matchingOutlet(_ column: String) -> Query {
            self == .everyone
                ? "true"
                : """
                \(unsafeRaw: column) IN (SELECT o.code FROM assignments a JOIN outlets o ON o.tenant_id = a.tenant_id AND o.id = a.outlet_id
                                         WHERE \(fragment: matchingStaff("a.staff_id")))
                """
        }
    }

    /// One person as the engine reads them.
    struct Person {
        var person: PayoutPerson
        var staffKPIs: [String: KPIValue]
    }

    /// One payout row to insert.
    struct Row {
        var employeeNo: String
        var name: String
        var plan: String
        var version: Int
        var proratedTarget: Decimal
        var scorePct: Decimal
        var payout: Decimal
        var currency: String
        var note: String
        var explanation: String

        init(plan: Plan, version: Int, result: PayoutResult) {
            employeeNo = result.explanation.employeeNo
            name = result.explanation.name
            self.plan = plan.code
            self.version = version
            proratedTarget = result.proratedTarget
            scorePct = result.scorePct
            payout = result.payout
            currency = plan.currency
            note = result.note
            explanation = PayoutExplanationJSON.encode(result.explanation)
        }

        /// The row as a stored one reads, to compare with it.
        var stored: StoredRow {
            StoredRow(
                version: version, name: name, proratedTarget: proratedTarget.plainText, scorePct: scorePct.plainText,
                payout: payout.plainText, currency: currency, note: note, explanationDigest: Hashing.md5Hex(explanation))
        }
    }

    /// A stored payout row as a rerun compares it: every column but the keys, the job and the
    /// approval, the numbers as `numeric`'s text and the explanation by its digest.
    struct StoredRow: Equatable {
        var version: Int
        var name: String
        var proratedTarget: String
        var scorePct: String
        var payout: String
        var currency: String
        var note: String
        var explanationDigest: String?
    }

    /// The KPI codes the plans read at `level` (components and gates).
    static func codes(_ plans: [Plan], level: PlanLevel) -> [String] {
        let all = plans.flatMap { plan in
            plan.components.filter { $0.level == level }.map(\.kpi) + plan.gates.filter { $0.level == level }.map(\.kpi)
        }
        return Set(all).sorted()
    }

    /// Outlet code → KPI code → value (≤ outlets × a few KPIs).
    /// Only those of outlets the `people` were assigned to: an incremental rerun's handful of
    /// people read a few outlets' values, not the tenant's (10,000 outlets: 0.2 s).
    static func loadOutletKPIs(
        _ conn: PQConnection, period: Period, codes: [String], from results: String, people: People
    ) throws -> [String: [String: KPIValue]] {
        var values: [String: [String: KPIValue]] = [:]
        guard !codes.isEmpty else { return values }
        for row in try conn.query(
            """
            SELECT subject, kpi_code, value, n, status FROM \(unsafeRaw: results)
            WHERE period = \(period.description) AND level = 'outlet' AND kpi_code = ANY(\(codes)::text[])
              AND \(fragment: people.matchingOutlet("subject"))
            """)
        {
            let (outlet, kpi, value, n, status) = try row.decode((String, String, Decimal, Int, String).self)
            values[outlet, default: [:]][kpi] = KPIValue(value: value, n: n, status: try Self.status(status))
        }
        return values
    }

    /// Opens a cursor over the people assigned in one of the plans' roles during the period
    /// (``decodePerson(_:)`` reads one row), each with their assignments overlapping the period
    /// and their staff-level values of `staffCodes`, only those matching `people`, and with a
    /// `stored` table their stored payouts of the period in it (``decodeStored(_:)``); calls `body` with the
    /// statement that fetches the next ``chunk`` of them, then closes the cursor. While `body`
    /// runs, the temporary table `payout_paid` lists them (`employee_no`).
    static func withPeople(
        _ conn: PQConnection, period: Period, plans: [(version: Int, plan: Plan)], staffCodes: [String],
        from results: String, people: People, storedIn stored: String?, _ body: (_ fetch: Query) throws -> Void
    ) throws {
        let roles = Set(plans.flatMap { $0.plan.roles }).sorted()
        let first = period.firstDay.description
        let last = period.lastDay.description
        // The period's staff values, grouped per person, in a temporary table this role owns and
        // can ANALYZE: the results were just written in this transaction and their statistics are stale.
        try conn.execute(
            """
            CREATE TEMP TABLE payout_staff_kpis ON COMMIT DROP AS
            SELECT subject, array_agg(kpi_code) AS codes, array_agg(value) AS vals, array_agg(n) AS ns, array_agg(status) AS statuses
            FROM \(unsafeRaw: results)
            WHERE period = \(period.description) AND level = 'staff' AND kpi_code = ANY(\(staffCodes)::text[])
              AND \(fragment: people.matching("subject"))
            GROUP BY subject
            """)
        try conn.execute("CREATE UNIQUE INDEX ON payout_staff_kpis (subject)")
        // Only the join column: statistics of the four array columns took 0.3 s of a national run.
        try conn.execute("ANALYZE payout_staff_kpis (subject)")
        // One grouped pass over the period's assignments (and each outlet's code) rather than a
        // lookup per person: a full run's fetches took half as long (BENCHMARKS.md, 2026-12-04 12:10).
        // The arrays are aggregated in one pass, so their elements line up; they are in no
        // particular order, which the engine sets (by start date) — an ORDER BY in each
        // aggregate cost a sort per person and aggregate, a third of the query.
        try conn.execute(
            """
            CREATE TEMP TABLE payout_paid ON COMMIT DROP AS
            SELECT s.employee_no, s.name, a.outlets, a.roles, a.starts, a.ends, a.bonuses
            FROM (
                SELECT a.tenant_id, a.staff_id,
                       array_agg(o.code) AS outlets, array_agg(a.role) AS roles,
                       array_agg(to_char(a.start_date, 'YYYY-MM-DD')) AS starts, array_agg(to_char(a.end_date, 'YYYY-MM-DD')) AS ends,
                       array_agg(a.target_bonus) AS bonuses,
                       bool_or(a.role = ANY(\(roles)::text[])) AS paid
                FROM assignments a JOIN outlets o ON o.tenant_id = a.tenant_id AND o.id = a.outlet_id
                WHERE a.start_date <= \(last)::date AND (a.end_date IS NULL OR a.end_date >= \(first)::date)
                  AND \(fragment: people.matchingStaff("a.staff_id"))
                GROUP BY a.tenant_id, a.staff_id) a
            JOIN staff s ON s.tenant_id = a.tenant_id AND s.id = a.staff_id
            WHERE a.paid
            """)
        // Keyed: the rerun's last statement deletes the stored rows of everyone else, and the
        // period's payouts may have no statistics yet (written by the run before, not analysed),
        // where the planner would scan the whole table for each of them.
        try conn.execute("CREATE UNIQUE INDEX ON payout_paid (employee_no)")
        try conn.execute("ANALYZE payout_paid (employee_no)")
        // Each person's stored rows as arrays that line up (one grouped pass), numbers as their text.
        let storedRows: Query =
            stored.map { table in
                """
                , p.plans, p.versions, p.names, p.prorated, p.scores, p.payouts, p.currencies, p.notes, p.digests
                FROM payout_paid x
                LEFT JOIN (SELECT employee_no, array_agg(plan_code) AS plans, array_agg(plan_version) AS versions, array_agg(name) AS names,
                                  array_agg(prorated_target::text) AS prorated, array_agg(score_pct::text) AS scores,
                                  array_agg(payout::text) AS payouts, array_agg(currency) AS currencies, array_agg(note) AS notes,
                                  array_agg(explanation_digest) AS digests
                           FROM \(unsafeRaw: table)
                           WHERE period = \(period.description) AND adjusts_period = '' GROUP BY employee_no) p
                       ON p.employee_no = x.employee_no
                """
            } ?? "FROM payout_paid x"
        try conn.execute(
            """
            DECLARE payout_people NO SCROLL CURSOR FOR
            SELECT x.employee_no, x.name, x.outlets, x.roles, x.starts, x.ends, x.bonuses, k.codes, k.vals, k.ns, k.statuses
            \(fragment: storedRows)
            LEFT JOIN payout_staff_kpis k ON k.subject = x.employee_no
            """)
        // FETCH takes no parameter: the count (a constant) is spliced as SQL text.
        try body("FETCH \(unsafeRaw: String(chunk)) FROM payout_people")
        try conn.execute("CLOSE payout_people")
        try conn.execute("DROP TABLE payout_staff_kpis, payout_paid")
    }

    /// A person's stored payout rows by plan, from the columns ``withPeople`` adds with `stored`.
    static func decodeStored(_ row: PQRow) throws -> [String: StoredRow] {
        guard let plans = try row.decode(11, as: [String]?.self) else { return [:] }
        let versions = try row.decode(12, as: [Int].self)
        let (names, prorated, scores, payouts, currencies, notes) = try (
            row.decode(13, as: [String].self), row.decode(14, as: [String].self), row.decode(15, as: [String].self),
            row.decode(16, as: [String].self), row.decode(17, as: [String].self), row.decode(18, as: [String].self)
        )
        let digests = try row.decode(19, as: [String?].self)
        var stored: [String: StoredRow] = [:]
        for i in plans.indices {
            stored[plans[i]] = StoredRow(
                version: versions[i], name: names[i], proratedTarget: prorated[i], scorePct: scores[i], payout: payouts[i],
                currency: currencies[i], note: notes[i], explanationDigest: digests[i])
        }
        return stored
    }

    static func decodePerson(_ row: PQRow) throws -> Person {
        let (employeeNo, name, outlets, roles, starts, ends, bonuses, codes, values, ns, statuses) = try row.decode(
            (String, String, [String], [String], [String], [String?], [Decimal?], [String]?, [Decimal]?, [Int]?, [String]?).self)
        var assignments: [Assignment] = []
        for i in outlets.indices {
            guard let start = CivilDate(starts[i]) else { throw StoreError.invalidState("stored assignment date \(starts[i])") }
            assignments.append(
                Assignment(
                    outlet: outlets[i], role: roles[i], start: start, end: ends[i].flatMap(CivilDate.init),
                    targetBonus: bonuses[i]))
        }
        var staffKPIs: [String: KPIValue] = [:]
        if let codes, let values, let ns, let statuses {
            for i in codes.indices {
                staffKPIs[codes[i]] = KPIValue(value: values[i], n: ns[i], status: try status(statuses[i]))
            }
        }
        let person = PayoutPerson(
            employeeNo: employeeNo, name: name, assignments: assignments)
        return Person(person: person, staffKPIs: staffKPIs)
    }

    static func status(_ text: String) throws -> KPIStatus {
        guard let status = KPIStatus(rawValue: text) else { throw StoreError.invalidState("stored KPI status \(text)") }
        return status
    }

    /// The single multi-row statement that inserts one chunk of rows into `table`, each
    /// explanation with its digest (sql/0390).
    /// The texts go as binary arrays: the explanations' quotes cost a text literal an escape each.
    static func insert(_ rows: [Row], period: Period, jobID: Int64, into table: String) -> Query {
        return """
            INSERT INTO \(unsafeRaw: table) (tenant_id, period, employee_no, plan_code, adjusts_period, plan_version, name,
                                 prorated_target, score_pct, payout, currency, note, explanation, explanation_digest, job_id)
            SELECT app_current_tenant(), \(period.description), r.employee_no, r.plan, '', r.version, r.name, r.prorated,
                   r.score, r.payout, r.currency, r.note, r.explanation::jsonb, md5(r.explanation), \(jobID)
            FROM unnest(\(PQTextArray(rows.map(\.employeeNo)))::text[], \(PQTextArray(rows.map(\.plan)))::text[],
                        \(rows.map(\.version))::integer[], \(PQTextArray(rows.map(\.name)))::text[],
                        \(rows.map(\.proratedTarget))::numeric[], \(rows.map(\.scorePct))::numeric[], \(rows.map(\.payout))::numeric[],
                        \(PQTextArray(rows.map(\.currency)))::text[], \(PQTextArray(rows.map(\.note)))::text[],
                        \(PQTextArray(rows.map(\.explanation)))::text[])
                 AS r (employee_no, plan, version, name, prorated, score, payout, currency, note, explanation)
            """
    }

    /// Adds the summary to the job's inputs (under `payouts`).
    static func record(_ conn: PQConnection, _ summary: Summary, jobID: Int64) throws {
        let json = String(decoding: try PayoutExplanationJSON.encoder.encode(summary), as: UTF8.self)
        try conn.execute(
            """
            UPDATE batch_jobs SET inputs = coalesce(inputs, '{}'::jsonb) || jsonb_build_object('payouts', \(json)::jsonb)
            WHERE id = \(jobID)
            """)
    }
}
