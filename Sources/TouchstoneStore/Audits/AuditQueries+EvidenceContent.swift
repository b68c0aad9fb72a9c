public import Foundation
import PQ
public import TouchstoneCore

/// One received attachment, ready to be read a slice at a time.
public struct EvidenceFile: Sendable, Equatable {
    public var auditID: String
    public var item: String
    public var name: String
    /// The declared content type.
    public var contentType: String
    public var size: Int
    public var sha256: String
}

extension AuditQueries {
    /// The received attachment `item`/`name` of an audit `scope` lets the caller see.
    /// - Throws: ``StoreError/notFound(_:)`` when the audit is out of scope, the attachment
    ///   undeclared or its bytes not yet received.
    public static func evidenceFile(
        tenant: Tenant, auditID: String, item: String, name: String, scope: AuditScope = .all,
        database: Database
    ) async throws -> EvidenceFile {
        guard UUID(uuidString: auditID) != nil else { throw StoreError.notFound("audit \(auditID)") }
        let found = try await database.tenantTransaction(tenant, readOnly: true) { conn in
            try conn.queryFirst(
                """
                SELECT x.content_type, octet_length(x.content), x.sha256
                FROM audit_attachments x JOIN audits a ON a.id = x.audit_id
                JOIN outlets o ON o.id = a.outlet_id JOIN regions r ON r.id = o.region_id
                LEFT JOIN staff st ON st.id = a.served_by
                WHERE x.audit_id = \(auditID)::uuid AND x.item_code = \(item) AND x.name = \(name) AND x.content IS NOT NULL
                  AND app_audit_visible(\(fragment: scope.arguments), a.submitted_by, o.code, r.path, st.employee_no, a.state)
                """
            ).map { row in
                let (contentType, size, sha256) = try row.decode((String, Int, String).self)
                return EvidenceFile(auditID: auditID, item: item, name: name, contentType: contentType, size: size, sha256: sha256)
            }
        }
        guard let found else { throw StoreError.notFound("evidence \(item)/\(name) of audit \(auditID)") }
        return found
    }

    /// Up to `length` bytes of `file` from `offset`, read in binary (no hex text); the
    /// attachment is stored uncompressed, so only that slice is read.
    /// - Throws: ``StoreError/notFound(_:)`` when the attachment changed or went away since ``evidenceFile(tenant:auditID:item:name:scope:database:)``.
    public static func evidenceSlice(tenant: Tenant, file: EvidenceFile, offset: Int, length: Int, database: Database) async throws -> Data {
        let slice = try await database.tenantTransaction(tenant, readOnly: true) { conn in
            try conn.queryBytes(
                """
                SELECT substring(content FROM \(offset + 1) FOR \(length)) FROM audit_attachments
                WHERE audit_id = \(file.auditID)::uuid AND item_code = \(file.item) AND name = \(file.name)
                  AND sha256 = \(file.sha256) AND content IS NOT NULL
                """)
        }
        guard let slice else { throw StoreError.notFound("evidence \(file.item)/\(file.name) of audit \(file.auditID)") }
        return slice
    }
}
