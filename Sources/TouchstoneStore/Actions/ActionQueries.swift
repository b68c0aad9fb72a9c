public import Foundation
import PQ
public import TouchstoneCore

/// SQL for corrective actions (docs/actions.md): lists, one action with its history, opening by
/// hand, transitions with evidence, the due-day settings, and the automatic openers that run
/// inside the transaction of what opened them (an audit's release, a batch, a complaint import).
public enum ActionQueries {
    /// Most evidence bytes one file may have.
    public static let maxEvidenceBytes = 10 << 20

    // MARK: Reading

    /// The actions matching `filter`, by id, `filter.limit` at a time after `filter.after`.
    public static func list(tenant: Tenant, filter: ActionFilter, asOf: Date = Date(), database: Database) async throws -> [ActionRecord] {
        try await database.tenantTransaction(tenant, readOnly: true) { conn in try list(conn, filter: filter, asOf: asOf) }
    }

    static func list(_ conn: PQConnection, filter: ActionFilter, asOf: Date) throws -> [ActionRecord] {
        try conn.query(
            """
            WITH clock AS (SELECT \(asOf)::timestamptz AS as_of)
            \(unsafeRaw: select)
            WHERE (\(filter.within)::text IS NULL OR app_in_region_subtree(r.path, \(filter.within)))
              AND (\(filter.outlet)::text IS NULL OR o.code = \(filter.outlet))
              AND (\(filter.states?.map(\.rawValue))::text[] IS NULL OR x.state = ANY(\(filter.states?.map(\.rawValue))::text[]))
              AND (\(filter.source?.rawValue)::text IS NULL OR x.source = \(filter.source?.rawValue))
              AND (\(filter.overdue)::boolean IS NULL OR (x.state <> 'verified' AND x.due_at < clock.as_of) = \(filter.overdue))
              AND x.id > \(filter.after ?? 0)
            ORDER BY x.id LIMIT \(filter.limit)
            """
        ).map(record)
    }

    /// Action `id` with its transitions and evidence, when it lies within `filter` (else not found).
    public static func get(
        tenant: Tenant, id: Int64, within filter: ActionFilter = ActionFilter(), asOf: Date = Date(), database: Database
    )
        async throws -> ActionRecord
    {
        try await database.tenantTransaction(tenant, readOnly: true) { conn in try get(conn, id: id, within: filter, asOf: asOf) }
    }

    static func get(_ conn: PQConnection, id: Int64, within filter: ActionFilter, asOf: Date) throws -> ActionRecord {
        guard
            let row = try conn.queryFirst(
                """
                WITH clock AS (SELECT \(asOf)::timestamptz AS as_of)
                \(unsafeRaw: select)
                WHERE x.id = \(id)
                  AND (\(filter.within)::text IS NULL OR app_in_region_subtree(r.path, \(filter.within)))
                  AND (\(filter.outlet)::text IS NULL OR o.code = \(filter.outlet))
                """)
        else { throw StoreError.notFound("action \(id)") }
        var action = try record(row)
        action.transitions = try conn.query(
            "SELECT seq, at, actor, from_state, to_state, comment FROM action_transitions WHERE action_id = \(id) ORDER BY seq"
        ).map { row in
            let (seq, at, actor, from, to, comment) = try row.decode((Int, Date, String, String?, String, String?).self)
            return ActionTransition(
                seq: seq, at: at, actor: actor, from: from.flatMap(ActionState.init), to: ActionState(rawValue: to)!, comment: comment)
        }
        action.evidence = try conn.query(
            "SELECT name, sha256, content_type, size FROM action_evidence WHERE action_id = \(id) ORDER BY added_at, name"
        ).map { row in
            let (name, sha256, contentType, size) = try row.decode((String, String, String, Int).self)
            return ActionEvidence(name: name, sha256: sha256, contentType: contentType, size: size)
        }
        return action
    }

    /// The bytes of evidence `name` of action `id` (within `filter`), with its type.
    public static func evidence(
        tenant: Tenant, id: Int64, name: String, within filter: ActionFilter = ActionFilter(), database: Database
    )
        async throws -> ActionPhoto
    {
        try await database.tenantTransaction(tenant, readOnly: true) { conn in
            _ = try get(conn, id: id, within: filter, asOf: Date())
            guard let row = try conn.queryFirst("SELECT content_type, content FROM action_evidence WHERE action_id = \(id) AND name = \(name)")
            else { throw StoreError.notFound("evidence \(name) of action \(id)") }
            let (contentType, content) = try row.decode((String, Data).self)
            return ActionPhoto(name: name, contentType: contentType, content: content)
        }
    }

    /// Head office's board: per region path of the outlets (within `filter`), the actions by state and the overdue ones.
    public static func board(
        tenant: Tenant, filter: ActionFilter = ActionFilter(), asOf: Date = Date(), database: Database
    ) async throws
        -> [ActionBoardLine]
    {
        try await database.tenantTransaction(tenant, readOnly: true) { conn in
            try conn.query(
                """
                SELECT r.path,
                       count(*) FILTER (WHERE x.state IN ('open', 'in_progress', 'reopened')),
                       count(*) FILTER (WHERE x.state = 'submitted'),
                       count(*) FILTER (WHERE x.state = 'verified'),
                       count(*) FILTER (WHERE x.state <> 'verified' AND x.due_at < \(asOf)::timestamptz)
                FROM actions x JOIN outlets o ON o.tenant_id = x.tenant_id AND o.id = x.outlet_id
                JOIN regions r ON r.tenant_id = o.tenant_id AND r.id = o.region_id
                WHERE (\(filter.within)::text IS NULL OR app_in_region_subtree(r.path, \(filter.within)))
                  AND (\(filter.outlet)::text IS NULL OR o.code = \(filter.outlet))
                GROUP BY r.path ORDER BY r.path
                """
            ).map { row in
                let (region, open, submitted, verified, overdue) = try row.decode((String, Int, Int, Int, Int).self)
                return ActionBoardLine(region: region, open: open, submitted: submitted, verified: verified, overdue: overdue)
            }
        }
    }

    /// The columns of ``record(_:)``; the query starts with `WITH clock AS (SELECT <as of> AS as_of)`.
    private static let select = """
        SELECT x.id, o.code, o.name, r.path, x.source, x.audit_id::text, x.item_code, x.kpi_code, x.period, x.complaint_id,
               x.severity, x.title, x.owner, x.state, x.opened_at, x.opened_by, x.due_at, x.verified_at,
               (x.state <> 'verified' AND x.due_at < clock.as_of)
        FROM clock, actions x JOIN outlets o ON o.tenant_id = x.tenant_id AND o.id = x.outlet_id
        JOIN regions r ON r.tenant_id = o.tenant_id AND r.id = o.region_id
        """

    private static func record(_ row: PQRow) throws -> ActionRecord {
        let (
            id, outlet, outletName, region, source, audit, item, kpi, period, complaint, severity, title, owner, state, openedAt, openedBy,
            dueAt, verifiedAt, overdue
        ) = try row.decode(
            (
                Int64, String, String, String, String, String?, String?, String?, String?, String?, String, String, String?, String, Date, String,
                Date, Date?, Bool
            ).self)
        return ActionRecord(
            id: id, outlet: outlet, outletName: outletName, region: region, source: ActionSource(rawValue: source)!,
            audit: audit, item: item, kpi: kpi, period: period, complaint: complaint,
            severity: Severity(rawValue: severity)!, title: title, owner: owner, state: ActionState(rawValue: state)!,
            openedAt: openedAt, openedBy: openedBy, dueAt: dueAt, verifiedAt: verifiedAt, overdue: overdue, transitions: nil, evidence: nil)
    }
}
