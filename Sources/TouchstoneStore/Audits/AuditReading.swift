import Foundation
import PQ
import TouchstoneCore

/// Reads of one audit inside a transaction: its receipt, its missing evidence, its full record.
enum AuditReading {
    /// The stored audit's receipt.
    static func receipt(_ conn: PQConnection, id: String, replayed: Bool) throws -> AuditReceipt {
        guard
            let row = try conn.queryFirst(
                """
                SELECT a.state, a.score, a.critical_failure, a.warnings::text, a.template_code, a.template_version,
                       coalesce(t.definition_hash, encode(sha256(convert_to(t.definition::text, 'UTF8')), 'hex')),
                       ARRAY(SELECT s.section_code FROM audit_section_scores s WHERE s.audit_id = a.id ORDER BY 1),
                       ARRAY(SELECT s.score FROM audit_section_scores s WHERE s.audit_id = a.id ORDER BY s.section_code),
                       ARRAY(SELECT d.dimension FROM audit_dimension_scores d WHERE d.audit_id = a.id ORDER BY 1),
                       ARRAY(SELECT d.score FROM audit_dimension_scores d WHERE d.audit_id = a.id ORDER BY d.dimension),
                       ARRAY(SELECT x.item_code FROM audit_attachments x WHERE x.audit_id = a.id AND x.received_at IS NOT NULL),
                       a.flags
                FROM audits a JOIN templates t ON t.code = a.template_code AND t.version = a.template_version
                WHERE a.id = \(id)::uuid
                """)
        else { throw StoreError.notFound("audit \(id)") }
        let (
            stateText, overall, criticalFailure, warnings, code, version, hash, sections, sectionScores, dimensions, dimensionScores,
            receivedItems, flagCodes
        ) = try row.decode((String, Decimal?, Bool, String, String, Int, String, [String], [Decimal], [String], [Decimal], [String], [String]).self)
        let template = try TemplateQueries.cached(conn, hash: hash, code: code, version: version)
        let received = Set(receivedItems)
        return AuditReceipt(
            id: id, state: try state(stateText), overall: overall, criticalFailure: criticalFailure,
            sectionScores: Dictionary(uniqueKeysWithValues: zip(sections, sectionScores)),
            dimensionScores: Dictionary(uniqueKeysWithValues: zip(dimensions, dimensionScores)),
            template: template, missingEvidence: template.requiredPhotoItems.filter { !received.contains($0) },
            warnings: try problems(warnings), flags: flags(flagCodes), replayed: replayed)
    }

    /// Required photo items of `template` whose bytes have not arrived for audit `id`.
    static func missingEvidence(_ conn: PQConnection, id: String, template: Template) throws -> [String] {
        let items: [String] = try conn.query(
            "SELECT item_code FROM audit_attachments WHERE audit_id = \(id)::uuid AND received_at IS NOT NULL"
        ).decode(String.self)
        let received = Set(items)
        return template.requiredPhotoItems.filter { !received.contains($0) }
    }

    /// The audit's template, state, release time and current answers, locked for a workflow change.
    static func lockForChange(_ conn: PQConnection, id: String, scope: AuditScope) throws -> Locked {
        guard
            let row = try conn.queryFirst(
                """
                SELECT a.state, a.released_at, a.template_code, a.template_version,
                       coalesce(t.definition_hash, encode(sha256(convert_to(t.definition::text, 'UTF8')), 'hex'))
                FROM audits a JOIN templates t ON t.code = a.template_code AND t.version = a.template_version
                JOIN outlets o ON o.id = a.outlet_id JOIN regions r ON r.id = o.region_id
                LEFT JOIN staff st ON st.id = a.served_by
                WHERE a.id = \(id)::uuid
                  AND app_audit_visible(\(fragment: scope.arguments), a.submitted_by, o.code, r.path, st.employee_no, a.state)
                FOR UPDATE OF a
                """)
        else { throw StoreError.notFound("audit \(id)") }
        let (stateText, releasedAt, code, version, hash) = try row.decode((String, Date?, String, Int, String).self)
        let template = try TemplateQueries.cached(conn, hash: hash, code: code, version: version)
        var answers: [String: Answer] = [:]
        for (item, answer) in try conn.query(
            "SELECT item_code, answer::text FROM audit_answers WHERE audit_id = \(id)::uuid", as: (String, String).self)
        {
            answers[item] = try self.answer(answer)
        }
        return Locked(state: try state(stateText), releasedAt: releasedAt, template: template, answers: answers)
    }

    /// An audit locked for a workflow change.
    struct Locked {
        var state: AuditState
        var releasedAt: Date?
        var template: Template
        var answers: [String: Answer]
    }

    /// The audit's stored trust flags.
    static func storedFlags(_ conn: PQConnection, id: String) throws -> [TrustFlag] {
        guard let row = try conn.queryFirst("SELECT flags FROM audits WHERE id = \(id)::uuid") else { throw StoreError.notFound("audit \(id)") }
        return flags(try row.decode([String].self))
    }

    /// Stored trust flags (codes this build does not know are left out).
    static func flags(_ codes: [String]) -> [TrustFlag] {
        codes.compactMap(TrustFlag.init(rawValue:))
    }

    /// A stored audit state.
    /// - Throws: ``StoreError/invalidState(_:)`` for a state this build does not know.
    static func state(_ text: String) throws -> AuditState {
        guard let state = AuditState(rawValue: text) else { throw StoreError.invalidState("unknown audit state \(text)") }
        return state
    }

    static func answer(_ jsonText: String) throws -> Answer {
        guard let answer = Answer(json: try JSONValue.parse(Data(jsonText.utf8))) else {
            throw StoreError.invalid([Problem(path: "answer", message: "stored answer \(jsonText) is not an answer")])
        }
        return answer
    }

    /// Problems stored as a JSON array of `{path, message}`.
    static func problems(_ jsonText: String) throws -> [Problem] {
        guard case .array(let items) = try JSONValue.parse(Data(jsonText.utf8)) else { return [] }
        return items.compactMap { item in
            guard case .string(let path)? = item["path"], case .string(let message)? = item["message"] else { return nil }
            return Problem(path: path, message: message)
        }
    }
}
