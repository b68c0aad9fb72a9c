import Foundation
import PQ
import TouchstoneCore

extension AuditQueries {
    /// Stores the bytes of a declared attachment, checked against its declared SHA-256 and
    /// the size limit. Bytes that another audit also holds are flagged on both audits (a
    /// shopper-fraud signal for the reviewer). When the last required photo arrives and the
    /// template requires no review, the audit is released.
    /// - Throws: ``StoreError/invalid(_:)`` when the attachment was not declared, is too large
    ///   or its hash differs (naming the expected and actual hash); ``StoreError/notFound(_:)``.
    public static func attach(tenant: Tenant, auditID: String, item: String, name: String, bytes: Data, maxSize: Int,
                              actor: String, scope: AuditScope = .all, now: Date = Date(), database: Database) async throws -> EvidenceReceipt {
        guard UUID(uuidString: auditID) != nil else { throw StoreError.notFound("audit \(auditID)") }
        let actual = Hashing.sha256Hex(bytes)
        return try await database.tenantTransaction(tenant) { conn in
            let audit = try AuditReading.lockForChange(conn, id: auditID, scope: scope)
            guard let declared = try conn.queryFirst("""
                SELECT x.sha256, (SELECT (e->>'size')::bigint FROM jsonb_array_elements(a.document->'attachments') e
                                  WHERE e->>'item' = x.item_code AND e->>'name' = x.name LIMIT 1)
                FROM audit_attachments x JOIN audits a ON a.id = x.audit_id
                WHERE x.audit_id = \(auditID)::uuid AND x.item_code = \(item) AND x.name = \(name)
                """) else {
                throw StoreError.invalid([Problem(path: "attachments", message: "\(item)/\(name) is not declared in audit \(auditID)")])
            }
            let expected = try declared.decode(0, as: String.self)
            var problems: [Problem] = []
            if bytes.count > maxSize {
                problems.append(Problem(path: "size", message: "\(bytes.count) bytes exceed the limit of \(maxSize)"))
            }
            if let declaredSize = try declared.decode(1, as: Int?.self), declaredSize != bytes.count {
                problems.append(Problem(path: "size", message: "declared \(declaredSize) bytes, received \(bytes.count)"))
            }
            if expected != actual {
                problems.append(Problem(path: "sha256", message: "expected \(expected), got \(actual)"))
            }
            guard problems.isEmpty else { throw StoreError.invalid(problems) }
            try conn.execute("""
                UPDATE audit_attachments SET content = \(bytes)::bytea, size = \(bytes.count), received_at = \(now)::timestamptz
                WHERE audit_id = \(auditID)::uuid AND item_code = \(item) AND name = \(name)
                """)
            let reusedBy = try conn.query("""
                WITH others AS (
                    SELECT audit_id, item_code, name FROM audit_attachments
                    WHERE sha256 = \(actual) AND audit_id <> \(auditID)::uuid AND received_at IS NOT NULL),
                mine AS (
                    INSERT INTO audit_evidence_reuse (tenant_id, audit_id, item_code, name, sha256, other_audit_id)
                    SELECT DISTINCT app_current_tenant(), \(auditID)::uuid, \(item), \(name), \(actual), o.audit_id FROM others o
                    ON CONFLICT DO NOTHING),
                theirs AS (
                    INSERT INTO audit_evidence_reuse (tenant_id, audit_id, item_code, name, sha256, other_audit_id)
                    SELECT app_current_tenant(), o.audit_id, o.item_code, o.name, \(actual), \(auditID)::uuid FROM others o
                    ON CONFLICT DO NOTHING)
                SELECT DISTINCT audit_id::text FROM others ORDER BY 1
                """).map { try $0.decode(0, as: String.self) }
            let missing = try AuditReading.missingEvidence(conn, id: auditID, template: audit.template)
            var state = audit.state
            if state == .submitted, !audit.template.requireReview, missing.isEmpty {
                try AuditHistory.transition(conn, id: auditID, from: .submitted, to: .released, actor: actor,
                                            reason: "required evidence complete; no review required", at: now)
                state = .released
            }
            return EvidenceReceipt(audit: auditID, item: item, name: name, size: bytes.count, reusedBy: reusedBy, state: state,
                                   missingEvidence: missing)
        }
    }
}
