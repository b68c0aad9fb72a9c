import Foundation
import PQ
import TouchstoneCore

/// The audit workflow's events (events.md), read from the audit as the change left it and
/// emitted in the change's transaction.
enum AuditEvents {
    /// What the events say about an audit.
    private struct Facts {
        var outlet: String
        var template: String
        var score: String?
        var criticalFailure: Bool
        var state: String
    }

    private static func facts(_ conn: PQConnection, id: String) throws -> Facts {
        guard
            let row = try conn.queryFirst(
                """
                SELECT o.code, a.template_code, round(a.score, 2)::text, a.critical_failure, a.state
                FROM audits a JOIN outlets o ON o.id = a.outlet_id WHERE a.id = \(id)::uuid
                """)
        else { throw StoreError.notFound("audit \(id)") }
        let (outlet, template, score, criticalFailure, state) = try row.decode((String, String, String?, Bool, String).self)
        return Facts(outlet: outlet, template: template, score: score, criticalFailure: criticalFailure, state: state)
    }

    /// `audit.released` of each of `ids`, in their order (emitted by ``AuditRelease``, with the
    /// events of the actions each release opens and verifies).
    static func released(_ conn: PQConnection, ids: [String], by actor: String, at: Date) throws -> [OutboxEvent] {
        var facts: [String: Facts] = [:]
        for row in try conn.query(
            """
            SELECT a.id::text, o.code, a.template_code, round(a.score, 2)::text, a.critical_failure, a.state
            FROM audits a JOIN outlets o ON o.id = a.outlet_id WHERE a.id = ANY (\(ids)::uuid[])
            """)
        {
            let (id, outlet, template, score, criticalFailure, state) = try row.decode((String, String, String, String?, Bool, String).self)
            facts[id] = Facts(outlet: outlet, template: template, score: score, criticalFailure: criticalFailure, state: state)
        }
        return try ids.map { id in
            guard let f = facts[id.lowercased()] else { throw StoreError.notFound("audit \(id)") }
            return .auditReleased(
                audit: id.lowercased(), outlet: f.outlet, template: f.template, score: f.score, criticalFailure: f.criticalFailure,
                by: actor, at: at)
        }
    }

    /// `audit.disputed`.
    static func disputed(_ conn: PQConnection, id: String, items: [String], by actor: String, at: Date) throws {
        let f = try facts(conn, id: id)
        try OutboxQueries.emit(.auditDisputed(audit: id.lowercased(), outlet: f.outlet, items: items, by: actor, at: at), on: conn)
    }

    /// `dispute.decided`.
    static func decided(_ conn: PQConnection, id: String, item: String, accepted: Bool, by actor: String, at: Date) throws {
        let f = try facts(conn, id: id)
        try OutboxQueries.emit(
            .disputeDecided(
                audit: id.lowercased(), outlet: f.outlet, item: item, accepted: accepted, score: f.score, auditState: f.state,
                by: actor, at: at), on: conn)
    }
}
