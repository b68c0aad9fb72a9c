import Foundation
import PQ
import TouchstoneCore

extension AuditQueries {
    /// The received bytes of one attachment and their declared content type, if `scope` lets
    /// the caller see the audit.
    /// - Throws: ``StoreError/notFound(_:)`` when the audit is out of scope, the attachment
    ///   undeclared or its bytes not yet received.
    public static func evidenceContent(tenant: Tenant, auditID: String, item: String, name: String, scope: AuditScope = .all,
                                       database: Database) async throws -> (contentType: String, bytes: Data) {
        guard UUID(uuidString: auditID) != nil else { throw StoreError.notFound("audit \(auditID)") }
        let found = try await database.tenantTransaction(tenant, readOnly: true) { conn in
            try conn.queryFirst("""
                SELECT x.content_type, x.content
                FROM audit_attachments x JOIN audits a ON a.id = x.audit_id
                JOIN outlets o ON o.id = a.outlet_id JOIN regions r ON r.id = o.region_id
                LEFT JOIN staff st ON st.id = a.served_by
                WHERE x.audit_id = \(auditID)::uuid AND x.item_code = \(item) AND x.name = \(name) AND x.content IS NOT NULL
                  AND app_audit_visible(\(scope.kind), \(scope.value), a.submitted_by, o.code, r.path, st.employee_no, a.state)
                """).map { (try $0.decode(0, as: String.self), try $0.decode(1, as: Data.self)) }
        }
        guard let found else { throw StoreError.notFound("evidence \(item)/\(name) of audit \(auditID)") }
        return found
    }
}
