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
                  AND app_audit_visible(\(fragment: scope.arguments), a.submitted_by, o.code, r.path, st.employee_no, a.state)
                """)
        else { return nil }
        let (template, templateVersion, outlet, visitedAt, auditor, servedBy, submittedBy, submittedAt, releasedAt, late) =
            try row.decode((String, Int, String, String, String, String?, String, Date, Date?, Bool).self)
        let receipt = try AuditReading.receipt(conn, id: id, replayed: false)
        func instant(_ date: Date?) -> String? { date.map { Instant.format($0, in: timeZone) } }
        let items = try conn.query(
            """
            SELECT x.item_code, x.answer::text, a.document->'comments'->>x.item_code, x.earned, x.possible, x.failed
            FROM audit_answers x JOIN audits a ON a.id = x.audit_id WHERE x.audit_id = \(id)::uuid
            """
        ).map { r in
            let (item, answer, comment, earned, possible, failed) = try r.decode((String, String, String?, Decimal?, Decimal?, Bool).self)
            return AuditRecord.Item(
                item: item, answer: try AuditReading.answer(answer), comment: comment, earned: earned.map(\.description),
                possible: possible.map(\.description), failed: failed)
        }
        let order = Dictionary(uniqueKeysWithValues: try Self.template(conn, id: id).allItems.enumerated().map { ($1.item.code, $0) })
        let attachments = try conn.query(
            """
            SELECT x.item_code, x.name, x.sha256, x.content_type, x.received_at IS NOT NULL, x.size,
                   ARRAY(SELECT u.other_audit_id::text FROM audit_evidence_reuse u JOIN audits a ON a.id = u.other_audit_id
                         JOIN outlets o ON o.id = a.outlet_id JOIN regions r ON r.id = o.region_id
                         LEFT JOIN staff st ON st.id = a.served_by
                         WHERE u.audit_id = x.audit_id AND u.item_code = x.item_code AND u.name = x.name
                           AND app_audit_visible(\(fragment: scope.arguments), a.submitted_by, o.code, r.path, st.employee_no, a.state)
                         ORDER BY 1),
                   (SELECT (e->'captured')::text FROM audits d, jsonb_array_elements(d.document->'attachments') e
                    WHERE d.id = x.audit_id AND e->>'item' = x.item_code AND e->>'name' = x.name LIMIT 1)
            FROM audit_attachments x WHERE x.audit_id = \(id)::uuid ORDER BY x.item_code, x.name
            """
        ).map { r in
            let (item, name, sha256, contentType, received, size, reusedBy, captured) =
                try r.decode((String, String, String, String, Bool, Int?, [String], String?).self)
            return AuditRecord.Attachment(
                item: item, name: name, sha256: sha256, contentType: contentType, received: received, size: size,
                reusedBy: scope.revealsAuditors ? reusedBy : nil,
                captured: captured.flatMap { try? JSONDecoder().decode(AttachmentCapture.self, from: Data($0.utf8)) })
        }
        let transitions = try conn.query(
            """
            SELECT seq, at, actor, from_state, to_state, reason FROM audit_transitions WHERE audit_id = \(id)::uuid ORDER BY seq
            """
        ).map { r in
            let (seq, at, actor, from, to, reason) = try r.decode((Int, Date, String, String?, String, String?).self)
            return AuditRecord.Transition(
                seq: seq, at: instant(at) ?? "", actor: Self.shown(actor, scope: scope, submittedBy: submittedBy),
                from: from.flatMap(AuditState.init), to: try AuditReading.state(to), reason: reason)
        }
        let disputes = try conn.query(
            """
            SELECT item_code, reason, proposed_answer::text, opened_by, opened_at, state, decided_by, decided_at, decision_reason,
                   old_answer::text, new_answer::text
            FROM audit_disputes WHERE audit_id = \(id)::uuid ORDER BY opened_at, item_code
            """
        ).map { r in
            let (item, reason, proposedAnswer, openedBy, openedAt, state, decidedBy, decidedAt, decisionReason, oldAnswer, newAnswer) =
                try r.decode((String, String, String?, String, Date, String, String?, Date?, String?, String?, String?).self)
            return AuditRecord.Dispute(
                item: item, reason: reason, proposedAnswer: try proposedAnswer.map(AuditReading.answer), openedBy: openedBy,
                openedAt: instant(openedAt) ?? "", state: state, decidedBy: decidedBy, decidedAt: instant(decidedAt),
                decisionReason: decisionReason, oldAnswer: try oldAnswer.map(AuditReading.answer),
                newAnswer: try newAnswer.map(AuditReading.answer))
        }
        let history = try conn.query(
            """
            SELECT seq, at, template_version, old_score, new_score, reason FROM audit_score_history
            WHERE audit_id = \(id)::uuid ORDER BY seq
            """
        ).map { r in
            let (seq, at, templateVersion, oldScore, newScore, reason) = try r.decode((Int, Date, Int, Decimal?, Decimal?, String).self)
            return AuditRecord.ScoreChange(
                seq: seq, at: instant(at) ?? "", templateVersion: templateVersion, oldScore: oldScore?.fixed(2),
                newScore: newScore?.fixed(2), reason: reason)
        }
        return AuditRecord(
            id: id, template: template, templateVersion: templateVersion, outlet: outlet, visitedAt: visitedAt,
            auditor: scope.revealsAuditors ? auditor : nil, servedBy: servedBy, submittedBy: scope.revealsAuditors ? submittedBy : nil,
            submittedAt: instant(submittedAt) ?? "", releasedAt: instant(releasedAt), late: late, state: receipt.state, score: receipt.score,
            criticalFailure: receipt.criticalFailure,
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
        let (hash, code, version) = try row.decode((String, String, Int).self)
        return try TemplateQueries.cached(conn, hash: hash, code: code, version: version)
    }
}
