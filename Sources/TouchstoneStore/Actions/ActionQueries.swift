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
            ActionTransition(
                seq: try row.decode(0, as: Int.self), at: try row.decode(1, as: Date.self), actor: try row.decode(2, as: String.self),
                from: try row.decode(3, as: String?.self).flatMap(ActionState.init), to: ActionState(rawValue: try row.decode(4, as: String.self))!,
                comment: try row.decode(5, as: String?.self))
        }
        action.evidence = try conn.query(
            "SELECT name, sha256, content_type, size FROM action_evidence WHERE action_id = \(id) ORDER BY added_at, name"
        ).map { row in
            ActionEvidence(
                name: try row.decode(0, as: String.self), sha256: try row.decode(1, as: String.self),
                contentType: try row.decode(2, as: String.self), size: try row.decode(3, as: Int.self))
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
            return ActionPhoto(name: name, contentType: try row.decode(0, as: String.self), content: try row.decode(1, as: Data.self))
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
                ActionBoardLine(
                    region: try row.decode(0, as: String.self), open: try row.decode(1, as: Int.self), submitted: try row.decode(2, as: Int.self),
                    verified: try row.decode(3, as: Int.self), overdue: try row.decode(4, as: Int.self))
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
        ActionRecord(
            id: try row.decode(0, as: Int64.self), outlet: try row.decode(1, as: String.self), outletName: try row.decode(2, as: String.self),
            region: try row.decode(3, as: String.self), source: ActionSource(rawValue: try row.decode(4, as: String.self))!,
            audit: try row.decode(5, as: String?.self), item: try row.decode(6, as: String?.self), kpi: try row.decode(7, as: String?.self),
            period: try row.decode(8, as: String?.self), complaint: try row.decode(9, as: String?.self),
            severity: Severity(rawValue: try row.decode(10, as: String.self))!, title: try row.decode(11, as: String.self),
            owner: try row.decode(12, as: String?.self), state: ActionState(rawValue: try row.decode(13, as: String.self))!,
            openedAt: try row.decode(14, as: Date.self), openedBy: try row.decode(15, as: String.self), dueAt: try row.decode(16, as: Date.self),
            verifiedAt: try row.decode(17, as: Date?.self), overdue: try row.decode(18, as: Bool.self), transitions: nil, evidence: nil)
    }
}
