import Foundation
import PQ
import TouchstoneCore

/// The audit workflow's events (events.md), read from the audit as the change left it and
/// emitted in the change's transaction.
enum AuditEvents {
    /// What the events say about an audit, and where and when its visit took place.
    struct Facts {
        var outlet: String
        var template: String
        var score: String?
        var criticalFailure: Bool
        var state: String
        var outletID: Int64
        var visitedAt: Date
    }

    /// The facts of each of `ids`, in their order.
    static func facts(_ conn: PQConnection, ids: [String]) throws -> [Facts] {
        var byID: [String: Facts] = [:]
        for row in try conn.query(
            """
            SELECT a.id::text, o.code, a.template_code, round(a.score, 2)::text, a.critical_failure, a.state, a.outlet_id, a.visited_at
            FROM audits a JOIN outlets o ON o.id = a.outlet_id WHERE a.id = ANY (\(ids)::uuid[])
            """)
        {
            let (id, outlet, template, score, criticalFailure, state, outletID, visitedAt) =
                try row.decode((String, String, String, String?, Bool, String, Int64, Date).self)
            byID[id] = Facts(
                outlet: outlet, template: template, score: score, criticalFailure: criticalFailure, state: state, outletID: outletID,
                visitedAt: visitedAt)
        }
        return try ids.map { id in
            guard let facts = byID[id.lowercased()] else { throw StoreError.notFound("audit \(id)") }
            return facts
        }
    }

    /// `audit.released` of audit `id` (emitted by ``AuditRelease``, with the events of the actions
    /// its release opens and verifies).
    static func released(_ f: Facts, id: String, by actor: String, at: Date) -> OutboxEvent {
        .auditReleased(
            audit: id.lowercased(), outlet: f.outlet, template: f.template, score: f.score, criticalFailure: f.criticalFailure,
            by: actor, at: at)
    }

    /// `audit.disputed`.
    static func disputed(_ conn: PQConnection, id: String, items: [String], by actor: String, at: Date) throws {
        let f = try facts(conn, ids: [id])[0]
        try OutboxQueries.emit(.auditDisputed(audit: id.lowercased(), outlet: f.outlet, items: items, by: actor, at: at), on: conn)
    }

    /// `dispute.decided`.
    static func decided(_ conn: PQConnection, id: String, item: String, accepted: Bool, by actor: String, at: Date) throws {
        let f = try facts(conn, ids: [id])[0]
        try OutboxQueries.emit(
            .disputeDecided(
                audit: id.lowercased(), outlet: f.outlet, item: item, accepted: accepted, score: f.score, auditState: f.state,
                by: actor, at: at), on: conn)
    }
}
