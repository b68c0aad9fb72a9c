public import Foundation
import PQ
public import TouchstoneCore

/// The automatic openers (docs/actions.md "What opens an action"), each run inside the
/// transaction of what opened it, so a rolled-back release, batch or import opens nothing.
/// Each inserts with `ON CONFLICT … DO NOTHING` on the unique index of its source
/// (sql/0230): a source opens exactly one action however often it runs.
enum ActionOpening {
    /// The actor recorded on automatic openings and verifications.
    static let system = "system"

    /// Released audits, in the order they were released: each opens an action per finding (failed
    /// critical or `"action": true` item) and verifies the open actions of the same outlet on the
    /// items it passed that earlier audits (visited before it) opened, as if released one after
    /// another: an action opened by one of `audits` is verified only by a later one of them.
    /// `visits` are the same audits' outlets, visit times and passed items, in the same order.
    /// - Returns: per audit, the events of the actions it opened then of those it verified (in id
    ///   order each), read when they happened, for the caller to emit after the audit's own.
    static func released(
        _ conn: PQConnection, audits: [AuditRelease.Released], visits: [CorrectiveActions.ReleasedVisit<Int64>], now: Date
    ) throws -> [[OutboxEvent]] {
        var events = Array(repeating: [OutboxEvent](), count: audits.count)
        let ids = audits.map(\.id)
        let findings = audits.map { CorrectiveActions.findings(template: $0.template, score: $0.score) }
        if findings.contains(where: { !$0.isEmpty }) {
            let due = try ActionQueries.dueDays(conn)
            var n: [Int] = []
            var titles: [String] = []
            var comments: [String] = []
            for (i, audit) in audits.enumerated() {
                for finding in findings[i] {
                    let text = audit.template.item(finding.item)?.text ?? ""
                    n.append(i)
                    titles.append("Failed item \(finding.item)" + (text.isEmpty ? "" : ": \(text)"))
                    comments.append("opened: failed in audit \(audit.id)")
                }
            }
            let all = findings.joined()
            let opened = try conn.query(
                """
                WITH f AS (
                    SELECT * FROM unnest(\(n)::integer[], \(n.map { ids[$0] })::uuid[], \(all.map(\.item))::text[],
                                         \(all.map(\.severity.rawValue))::text[], \(titles)::text[],
                                         \(all.map { due.days(.audit, $0.severity) })::integer[], \(comments)::text[])
                         WITH ORDINALITY AS f(n, audit_id, item, severity, title, days, comment, k)),
                opened AS (
                    INSERT INTO actions (tenant_id, outlet_id, source, audit_id, item_code, severity, title, owner, opened_at, opened_by, due_at)
                    SELECT a.tenant_id, a.outlet_id, 'audit', a.id, f.item, f.severity, f.title, \(unsafeRaw: ActionQueries.ownerOf("o")),
                           \(now)::timestamptz, \(system), \(now)::timestamptz + f.days * interval '1 day'
                    FROM f JOIN audits a ON a.id = f.audit_id JOIN outlets o ON o.tenant_id = a.tenant_id AND o.id = a.outlet_id
                    ORDER BY f.k
                    ON CONFLICT (tenant_id, audit_id, item_code) WHERE source = 'audit' DO NOTHING
                    RETURNING tenant_id, id, audit_id, item_code),
                transitions AS (
                    INSERT INTO action_transitions (tenant_id, action_id, seq, at, actor, from_state, to_state, comment)
                    SELECT opened.tenant_id, opened.id, 1, \(now)::timestamptz, \(system), NULL, 'open', f.comment
                    FROM opened JOIN f ON f.audit_id = opened.audit_id AND f.item = opened.item_code)
                SELECT opened.id, f.n FROM opened JOIN f ON f.audit_id = opened.audit_id AND f.item = opened.item_code
                """
            ).map { try $0.decode((Int64, Int).self) }
            let byID = try ActionEventHook.events(conn, .actionOpened, ids: opened.map(\.0))
            for (id, i) in opened.sorted(by: { $0.0 < $1.0 }) { events[i] += byID[id].map { [$0] } ?? [] }
        }
        let items = Set(visits.flatMap(\.passed))
        guard !items.isEmpty else { return events }
        // The open audit actions the releases could verify, locked; which release verifies which
        // is the core's rule (CorrectiveActions.verifiers). One table read by outlet, so the plan
        // cannot go wrong when the planner's statistics do not yet count an import's own rows.
        let candidates = try conn.query(
            """
            SELECT x.id, x.state, x.outlet_id, x.item_code, x.audit_id::text,
                   (SELECT src.visited_at FROM audits src WHERE src.tenant_id = x.tenant_id AND src.id = x.audit_id)
            FROM actions x
            WHERE x.source = 'audit' AND x.state <> 'verified'
              AND x.outlet_id = ANY (\(Array(Set(visits.map(\.outlet))))::bigint[]) AND x.item_code = ANY (\(Array(items))::text[])
            ORDER BY x.id FOR UPDATE OF x
            """
        ).map { row in
            let (id, state, outlet, item, openedBy, openerVisitedAt) = try row.decode((Int64, String, Int64, String, String, Date).self)
            return (
                id: id, state: ActionState(rawValue: state)!,
                action: CorrectiveActions.OpenAuditAction(outlet: outlet, item: item, openedBy: openedBy, openerVisitedAt: openerVisitedAt)
            )
        }
        let verifiers = CorrectiveActions.verifiers(of: candidates.map(\.action), among: visits)
        let closing = zip(candidates, verifiers).compactMap { candidate, verifier in
            verifier.map { (id: candidate.id, state: candidate.state, by: $0) }
        }
        try ActionQueries.move(
            conn, ids: closing.map(\.id), from: closing.map(\.state), to: .verified, actor: system,
            comments: closing.map { "verified automatically: passed in audit \(audits[$0.by].id)" }, at: now)
        let byID = try ActionEventHook.events(conn, .actionVerified, ids: closing.map(\.id))
        for action in closing { events[action.by] += byID[action.id].map { [$0] } ?? [] }
        return events
    }

    /// The end of a batch: an action per outlet × KPI that is red in `period` (kpi_results).
    /// An incremental rerun (`changedOnly`) looks only at the rows it changed (`batch_changed`):
    /// the period's previous run, whose snapshot makes the rerun incremental, opened the actions
    /// of every row red then, and actions are never deleted.
    static func redKPIs(_ conn: PQConnection, period: String, changedOnly: Bool, now: Date) throws {
        let due = try ActionQueries.dueDays(conn)
        let opened = try conn.query(
            """
            WITH opened AS (
                INSERT INTO actions (tenant_id, outlet_id, source, period, kpi_code, severity, title, owner, opened_at, opened_by, due_at)
                SELECT o.tenant_id, o.id, 'kpi', k.period, k.kpi_code, 'medium', 'KPI ' || d.name || ' is red in ' || k.period,
                       \(unsafeRaw: ActionQueries.ownerOf("o")), \(now)::timestamptz, \(system),
                       \(now)::timestamptz + \(due.days(.kpi, .medium)) * interval '1 day'
                FROM kpi_results k
                JOIN outlets o ON o.tenant_id = k.tenant_id AND o.code = k.subject
                JOIN kpi_definitions d ON d.tenant_id = k.tenant_id AND d.code = k.kpi_code
                WHERE k.period = \(period) AND k.level = 'outlet' AND k.status = 'red'
                  AND \(fragment: changedOnly ? "(k.level, k.subject, k.kpi_code) IN (SELECT level, subject, kpi_code FROM batch_changed)" : "true")
                  AND NOT EXISTS (\(fragment: opened("kpi", "x.outlet_id = o.id AND x.kpi_code = k.kpi_code AND x.period = k.period")))
                ORDER BY o.code, k.kpi_code
                ON CONFLICT (tenant_id, outlet_id, kpi_code, period) WHERE source = 'kpi' DO NOTHING
                RETURNING tenant_id, id)
            INSERT INTO action_transitions (tenant_id, action_id, seq, at, actor, from_state, to_state, comment)
            SELECT tenant_id, id, 1, \(now)::timestamptz, \(system), NULL, 'open', \("opened: red in the batch of \(period)") FROM opened
            RETURNING action_id
            """
        ).map { try $0.decode(Int64.self) }
        try ActionEventHook.opened(conn, ids: opened)
    }

    /// The actions of `source` already opened for the row `match` (constant SQL over `x`) names.
    /// The openers leave those rows out before inserting: a batch meets its red KPIs and breached
    /// complaints again on every run, and `ON CONFLICT` (kept, for openers running side by side)
    /// costs a speculative insert per row it skips. On the national chain (35,730 red outlet KPIs,
    /// 28,244 breached complaints) the two openers took 231–268 and 173–196 ms, now about 100 ms each.
    ///
    /// `OFFSET 0` keeps the test a probe of the source's unique index per row. As an anti-join, the
    /// planner materialised the whole index and rescanned it for every row whenever the statistics
    /// had not yet seen the actions just opened (a full rerun right after a period's first run: the
    /// red-KPI opener took 45.6 s instead of 0.1 s).
    private static func opened(_ source: String, _ match: String) -> Query {
        Query(unsafeSQL: "SELECT 1 FROM actions x WHERE x.source = '\(source)' AND \(match) OFFSET 0")
    }

    /// Which complaints ``breachedComplaints(_:among:asOf:now:)`` looks at.
    enum Complaints {
        /// Every complaint of the tenant (the scheduled sweep, the batch).
        case all
        /// Those just imported: the rows of `import_stage`.
        case staged
        /// These cases (the one a transition moved).
        case cases([String])

        var condition: Query {
            switch self {
            case .all: "true"
            case .staged: "c.complaint_id IN (SELECT s.complaint_id FROM import_stage s)"
            case .cases(let ids): "c.complaint_id = ANY (\(ids)::text[])"
            }
        }
    }

    /// The complaints `among` that breached their time limit as of `asOf` (the tenant's hours per
    /// severity): resolved after the deadline, or unresolved (a reopened case too) at or past it.
    static func breachedComplaints(_ conn: PQConnection, among: Complaints, asOf: Date, now: Date) throws {
        let due = try ActionQueries.dueDays(conn)
        let opened = try conn.query(
            """
            WITH opened AS (
                INSERT INTO actions (tenant_id, outlet_id, source, complaint_id, severity, title, owner, opened_at, opened_by, due_at)
                SELECT c.tenant_id, c.outlet_id, 'complaint', c.complaint_id, c.severity,
                       'Complaint ' || c.complaint_id || ' breached its ' || l.hours || ' h time limit',
                       \(unsafeRaw: ActionQueries.ownerOf("o")), \(now)::timestamptz, \(system),
                       \(now)::timestamptz + d.days * interval '1 day'
                FROM complaints c
                JOIN outlets o ON o.tenant_id = c.tenant_id AND o.id = c.outlet_id
                JOIN tenants t ON t.id = c.tenant_id
                CROSS JOIN LATERAL (SELECT \(unsafeRaw: ComplaintCaseQueries.limitHoursSQL) AS hours) l
                JOIN unnest(\(Severity.allCases.map(\.rawValue))::text[], \(Severity.allCases.map { due.days(.complaint, $0) })::integer[])
                     AS d(severity, days) ON d.severity = c.severity
                WHERE \(fragment: among.condition)
                  AND NOT EXISTS (\(fragment: opened("complaint", "x.complaint_id = c.complaint_id")))
                  AND c.opened_at < \(asOf)::timestamptz
                  AND CASE WHEN c.resolved_at IS NOT NULL THEN c.resolved_at > c.opened_at + l.hours * interval '1 hour'
                           ELSE c.opened_at + l.hours * interval '1 hour' <= \(asOf)::timestamptz END
                ORDER BY c.complaint_id
                ON CONFLICT (tenant_id, complaint_id) WHERE source = 'complaint' DO NOTHING
                RETURNING tenant_id, id)
            INSERT INTO action_transitions (tenant_id, action_id, seq, at, actor, from_state, to_state, comment)
            SELECT tenant_id, id, 1, \(now)::timestamptz, \(system), NULL, 'open', 'opened: the complaint breached its time limit' FROM opened
            RETURNING action_id
            """
        ).map { try $0.decode(Int64.self) }
        try ActionEventHook.opened(conn, ids: opened)
    }
}

/// The events of corrective actions (docs/events.md), written to the outbox in the transaction of
/// the change. Every opener and every verification (by hand or automatic) calls these with the
/// ids it changed. "Overdue" has no transaction of its own (time passes): the scheduler's sweep
/// (``ActionQueries/announceOverdue(tenant:at:database:)``) stamps each action it announces, so it
/// is announced once.
enum ActionEventHook {
    /// Actions `ids` were opened (automatically or by hand).
    static func opened(_ conn: PQConnection, ids: [Int64]) throws {
        try emit(conn, .actionOpened, ids: ids, at: nil)
    }

    /// Actions `ids` were verified (by hand or automatically).
    static func verified(_ conn: PQConnection, ids: [Int64]) throws {
        try emit(conn, .actionVerified, ids: ids, at: nil)
    }

    /// Actions `ids` became overdue (announced at `at`).
    static func overdue(_ conn: PQConnection, ids: [Int64], at: Date) throws {
        try emit(conn, .actionOverdue, ids: ids, at: at)
    }

    /// One event per action, in id order.
    private static func emit(_ conn: PQConnection, _ type: OutboxEvent.EventType, ids: [Int64], at: Date?) throws {
        let byID = try events(conn, type, ids: ids, at: at)
        try OutboxQueries.emit(Set(ids).sorted().compactMap { byID[$0] }, on: conn)
    }

    /// The events of type `type` of actions `ids` as they stand; opened and verified ones occur
    /// at the action's last transition.
    static func events(_ conn: PQConnection, _ type: OutboxEvent.EventType, ids: [Int64], at: Date? = nil) throws -> [Int64: OutboxEvent] {
        guard !ids.isEmpty else { return [:] }
        let rows = try conn.query(
            """
            SELECT x.id, o.code, x.source, x.severity, x.state, x.owner, x.due_at,
                   (SELECT max(t.at) FROM action_transitions t WHERE t.tenant_id = x.tenant_id AND t.action_id = x.id)
            FROM actions x JOIN outlets o ON o.tenant_id = x.tenant_id AND o.id = x.outlet_id
            WHERE x.id = ANY (\(ids)::bigint[])
            """)
        var events: [Int64: OutboxEvent] = [:]
        for row in rows {
            let (id, outlet, source, severity, state, owner, dueAt, changed) =
                try row.decode((Int64, String, String, String, String, String?, Date, Date?).self)
            events[id] = .action(
                type, action: id, outlet: outlet, source: source, severity: severity, state: state, owner: owner,
                dueAt: dueAt, at: at ?? changed ?? Date())
        }
        return events
    }
}

extension ActionQueries {
    /// Announces `action.overdue` once for every action of `tenant` past its due date at `at`
    /// and not verified, stamping it in the same transaction; the number announced.
    @discardableResult
    public static func announceOverdue(tenant: Tenant, at: Date, database: Database) async throws -> Int {
        try await database.tenantTransaction(tenant) { conn in
            let ids = try conn.query(
                """
                UPDATE actions SET overdue_announced_at = \(at)::timestamptz
                WHERE state <> 'verified' AND overdue_announced_at IS NULL AND due_at < \(at)::timestamptz
                RETURNING id
                """
            ).map { try $0.decode(Int64.self) }
            try ActionEventHook.overdue(conn, ids: ids, at: at)
            return ids.count
        }
    }
}
