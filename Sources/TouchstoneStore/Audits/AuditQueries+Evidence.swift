public import Foundation
import PQ
public import TouchstoneCore

extension AuditQueries {
    /// Stores the bytes of a declared attachment at once (an ``EvidenceUpload`` of one write):
    /// checked against the declaration, its SHA-256 and the size limit.
    /// - Throws: ``StoreError/invalid(_:)`` when the attachment was not declared, is too large
    ///   or its hash differs (naming the expected and actual hash); ``StoreError/notFound(_:)``.
    public static func attach(
        tenant: Tenant, auditID: String, item: String, name: String, bytes: Data, maxSize: Int,
        actor: String, scope: AuditScope = .all, now: Date = Date(), database: Database
    ) async throws -> EvidenceReceipt {
        var upload = try await EvidenceUpload.begin(
            tenant: tenant, auditID: auditID, item: item, name: name, maxSize: maxSize, scope: scope, database: database)
        do {
            try await upload.write(bytes)
            return try await upload.finish(actor: actor, scope: scope, now: now)
        } catch {
            await upload.abandon()
            throw error
        }
    }
}

/// The last step of an evidence upload, in one transaction: the parts become the attachment's
/// content. Bytes that another audit also holds are flagged on both audits (a shopper-fraud
/// signal for the reviewer); the receipt names only those the uploader may see. When the last
/// required photo arrives and the template requires no review, the audit is released.
enum EvidenceStore {
    static func store(
        _ conn: PQConnection, declaration: EvidenceDeclaration, uploadID: UUID, size: Int, actor: String,
        scope: AuditScope, now: Date
    ) throws -> EvidenceReceipt {
        let (auditID, item, name, sha256) = (declaration.auditID, declaration.item, declaration.name, declaration.sha256)
        let audit = try AuditReading.lockForChange(conn, id: auditID, scope: scope)
        let updated = try conn.execute(
            """
            UPDATE audit_attachments
            SET content = coalesce((SELECT string_agg(p.bytes, ''::bytea ORDER BY p.seq) FROM audit_evidence_parts p
                                    WHERE p.upload_id = \(uploadID)::uuid), ''::bytea),
                size = \(size), received_at = \(now)::timestamptz
            WHERE audit_id = \(auditID)::uuid AND item_code = \(item) AND name = \(name) AND sha256 = \(sha256)
            """)
        try conn.execute(
            """
            DELETE FROM audit_evidence_parts
            WHERE upload_id = \(uploadID)::uuid OR created_at < \(now)::timestamptz - interval '1 day'
            """)
        guard updated == 1 else {
            throw StoreError.invalid([Problem(path: "attachments", message: "\(item)/\(name) is not declared in audit \(auditID)")])
        }
        let reusedBy = try conn.query(
            """
            WITH others AS (
                SELECT audit_id, item_code, name FROM audit_attachments
                WHERE sha256 = \(sha256) AND audit_id <> \(auditID)::uuid AND received_at IS NOT NULL),
            mine AS (
                INSERT INTO audit_evidence_reuse (tenant_id, audit_id, item_code, name, sha256, other_audit_id)
                SELECT DISTINCT app_current_tenant(), \(auditID)::uuid, \(item), \(name), \(sha256), o.audit_id FROM others o
                ON CONFLICT DO NOTHING),
            theirs AS (
                INSERT INTO audit_evidence_reuse (tenant_id, audit_id, item_code, name, sha256, other_audit_id)
                SELECT app_current_tenant(), o.audit_id, o.item_code, o.name, \(sha256), \(auditID)::uuid FROM others o
                ON CONFLICT DO NOTHING),
            flagged AS (
                UPDATE audits SET flags = flags || ARRAY['photo_reused']
                WHERE (id = \(auditID)::uuid OR id IN (SELECT audit_id FROM others))
                  AND EXISTS (SELECT 1 FROM others) AND NOT 'photo_reused' = ANY(flags))
            SELECT DISTINCT a.id::text FROM others x JOIN audits a ON a.id = x.audit_id
            JOIN outlets o ON o.id = a.outlet_id JOIN regions r ON r.id = o.region_id LEFT JOIN staff st ON st.id = a.served_by
            WHERE app_audit_visible(\(fragment: scope.arguments), a.submitted_by, o.code, r.path, st.employee_no, a.state)
            ORDER BY 1
            """
        ).decode(String.self)
        let missing = try AuditReading.missingEvidence(conn, id: auditID, template: audit.template)
        var state = audit.state
        let flags = try AuditReading.storedFlags(conn, id: auditID)
        if state == .submitted,
            AuditWorkflow.releasesOnArrival(requireReview: audit.template.requireReview, flags: flags, missingEvidence: missing)
        {
            try AuditHistory.transition(
                conn, id: auditID, from: .submitted, to: .released, actor: actor,
                reason: "required evidence complete; no review required", at: now)
            state = .released
        }
        return EvidenceReceipt(
            audit: auditID, item: item, name: name, size: size, reusedBy: reusedBy, state: state,
            missingEvidence: missing)
    }
}
