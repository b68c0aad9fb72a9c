import Foundation
import PQ
import TouchstoneCore

/// Reads one audit in full (``AuditRecord``) inside a transaction.
enum AuditRecordReader {
    static func read(_ conn: PQConnection, id: String, scope: AuditScope, timeZone: TimeZone) throws -> AuditRecord? {
        guard
            let row = try conn.queryFirst(
                """
                SELECT a.template_code, a.template_version, o.code, a.document->>'visitedAt', a.auditor, st.employee_no,
                       a.submitted_by, a.submitted_at, a.released_at, a.late
                FROM audits a JOIN outlets o ON o.id = a.outlet_id JOIN regions r ON r.id = o.region_id
                LEFT JOIN staff st ON st.id = a.served_by
                WHERE a.id = \(id)::uuid
                  AND app_audit_visible(\(scope.kind), \(scope.value), a.submitted_by, o.code, r.path, st.employee_no, a.state)
                """)
        else { return nil }
        let receipt = try AuditReading.receipt(conn, id: id, replayed: false)
        func instant(_ date: Date?) -> String? { date.map { Instant.format($0, in: timeZone) } }
        let items = try conn.query(
            """
            SELECT x.item_code, x.answer::text, a.document->'comments'->>x.item_code, x.earned, x.possible, x.failed
            FROM audit_answers x JOIN audits a ON a.id = x.audit_id WHERE x.audit_id = \(id)::uuid
            """
        ).map { r in
            AuditRecord.Item(
                item: try r.decode(0, as: String.self), answer: try AuditReading.answer(try r.decode(1, as: String.self)),
                comment: try r.decode(2, as: String?.self), earned: try r.decode(3, as: Decimal?.self).map(\.description),
                possible: try r.decode(4, as: Decimal?.self).map(\.description), failed: try r.decode(5, as: Bool.self))
        }
        let order = Dictionary(uniqueKeysWithValues: try template(conn, id: id).allItems.enumerated().map { ($1.item.code, $0) })
        let attachments = try conn.query(
            """
            SELECT x.item_code, x.name, x.sha256, x.content_type, x.received_at IS NOT NULL, x.size,
                   ARRAY(SELECT u.other_audit_id::text FROM audit_evidence_reuse u JOIN audits a ON a.id = u.other_audit_id
                         JOIN outlets o ON o.id = a.outlet_id JOIN regions r ON r.id = o.region_id
                         LEFT JOIN staff st ON st.id = a.served_by
                         WHERE u.audit_id = x.audit_id AND u.item_code = x.item_code AND u.name = x.name
                           AND app_audit_visible(\(scope.kind), \(scope.value), a.submitted_by, o.code, r.path, st.employee_no, a.state)
                         ORDER BY 1),
                   (SELECT (e->'captured')::text FROM audits d, jsonb_array_elements(d.document->'attachments') e
                    WHERE d.id = x.audit_id AND e->>'item' = x.item_code AND e->>'name' = x.name LIMIT 1)
            FROM audit_attachments x WHERE x.audit_id = \(id)::uuid ORDER BY x.item_code, x.name
            """
        ).map { r in
            AuditRecord.Attachment(
                item: try r.decode(0, as: String.self), name: try r.decode(1, as: String.self), sha256: try r.decode(2, as: String.self),
                contentType: try r.decode(3, as: String.self), received: try r.decode(4, as: Bool.self), size: try r.decode(5, as: Int?.self),
                reusedBy: try scope.revealsAuditors ? r.decode(6, as: [String].self) : nil,
                captured: try r.decode(7, as: String?.self).flatMap { try? JSONDecoder().decode(AttachmentCapture.self, from: Data($0.utf8)) })
        }
        let submittedBy = try row.decode(6, as: String.self)
        let transitions = try conn.query(
            """
            SELECT seq, at, actor, from_state, to_state, reason FROM audit_transitions WHERE audit_id = \(id)::uuid ORDER BY seq
            """
        ).map { r in
            AuditRecord.Transition(
                seq: try r.decode(0, as: Int.self), at: instant(try r.decode(1, as: Date.self)) ?? "",
                actor: Self.shown(try r.decode(2, as: String.self), scope: scope, submittedBy: submittedBy),
                from: try r.decode(3, as: String?.self).flatMap(AuditState.init), to: try AuditReading.state(r, 4),
                reason: try r.decode(5, as: String?.self))
        }
        let disputes = try conn.query(
            """
            SELECT item_code, reason, proposed_answer::text, opened_by, opened_at, state, decided_by, decided_at, decision_reason,
                   old_answer::text, new_answer::text
            FROM audit_disputes WHERE audit_id = \(id)::uuid ORDER BY opened_at, item_code
            """
        ).map { r in
            AuditRecord.Dispute(
                item: try r.decode(0, as: String.self), reason: try r.decode(1, as: String.self),
                proposedAnswer: try r.decode(2, as: String?.self).map(AuditReading.answer), openedBy: try r.decode(3, as: String.self),
                openedAt: instant(try r.decode(4, as: Date.self)) ?? "", state: try r.decode(5, as: String.self),
                decidedBy: try r.decode(6, as: String?.self), decidedAt: instant(try r.decode(7, as: Date?.self)),
                decisionReason: try r.decode(8, as: String?.self), oldAnswer: try r.decode(9, as: String?.self).map(AuditReading.answer),
                newAnswer: try r.decode(10, as: String?.self).map(AuditReading.answer))
        }
        let history = try conn.query(
            """
            SELECT seq, at, template_version, old_score, new_score, reason FROM audit_score_history
            WHERE audit_id = \(id)::uuid ORDER BY seq
            """
        ).map { r in
            AuditRecord.ScoreChange(
                seq: try r.decode(0, as: Int.self), at: instant(try r.decode(1, as: Date.self)) ?? "",
                templateVersion: try r.decode(2, as: Int.self), oldScore: try r.decode(3, as: Decimal?.self)?.fixed(2),
                newScore: try r.decode(4, as: Decimal?.self)?.fixed(2), reason: try r.decode(5, as: String.self))
        }
        return AuditRecord(
            id: id, template: try row.decode(0, as: String.self), templateVersion: try row.decode(1, as: Int.self),
            outlet: try row.decode(2, as: String.self), visitedAt: try row.decode(3, as: String.self),
            auditor: try scope.revealsAuditors ? row.decode(4, as: String.self) : nil,
            servedBy: try row.decode(5, as: String?.self), submittedBy: scope.revealsAuditors ? submittedBy : nil,
            submittedAt: instant(try row.decode(7, as: Date.self)) ?? "", releasedAt: instant(try row.decode(8, as: Date?.self)),
            late: try row.decode(9, as: Bool.self), state: receipt.state, score: receipt.score, criticalFailure: receipt.criticalFailure,
            sections: receipt.sections, dimensions: receipt.dimensions,
            items: items.sorted { (order[$0.item] ?? .max) < (order[$1.item] ?? .max) },
            attachments: attachments, missingEvidence: receipt.missingEvidence, warnings: receipt.warnings, flags: receipt.flags,
            transitions: transitions, disputes: disputes, scoreHistory: history)
    }

    /// A transition's actor as `scope` may see it: hidden when it is the submitter and the scope hides auditors.
    private static func shown(_ actor: String, scope: AuditScope, submittedBy: String) -> String? {
        scope.revealsAuditors || actor != submittedBy ? actor : nil
    }

    private static func template(_ conn: PQConnection, id: String) throws -> Template {
        guard
            let row = try conn.queryFirst(
                """
                SELECT coalesce(t.definition_hash, encode(sha256(convert_to(t.definition::text, 'UTF8')), 'hex')), t.code, t.version
                FROM audits a JOIN templates t ON t.code = a.template_code AND t.version = a.template_version WHERE a.id = \(id)::uuid
                """)
        else { throw StoreError.notFound("audit \(id)") }
        return try TemplateQueries.cached(
            conn, hash: try row.decode(0, as: String.self), code: try row.decode(1, as: String.self),
            version: try row.decode(2, as: Int.self))
    }
}
