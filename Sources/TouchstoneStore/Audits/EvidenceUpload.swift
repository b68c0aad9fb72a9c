import Crypto
public import Foundation
import PQ
public import TouchstoneCore

/// What an audit declared about one attachment, read before any byte of it is.
public struct EvidenceDeclaration: Sendable, Equatable {
    public var auditID: String
    public var item: String
    public var name: String
    /// 64 lowercase hex digits.
    public var sha256: String
    public var contentType: String
    /// The declared size in bytes, if the document gave one.
    public var size: Int?
}

/// One evidence upload in progress. ``begin(tenant:auditID:item:name:maxSize:scope:database:)``
/// checks the declaration before the body is read; ``write(_:)`` takes the body as it arrives,
/// hashing it and sending it to PostgreSQL in binary parts of about ``partSize`` bytes;
/// ``finish(actor:scope:now:)`` checks size and hash and joins the parts in the database. So a
/// transfer holds one part in memory, whatever the file's size.
public struct EvidenceUpload {
    /// Bytes gathered before a part goes to the database.
    public static let partSize = 1 << 20

    /// The attachment being uploaded.
    public let declaration: EvidenceDeclaration
    /// Bytes received so far.
    public private(set) var received = 0
    private let tenant: Tenant
    private let database: Database
    private let maxSize: Int
    private let uploadID = UUID()
    private var hasher = SHA256()
    private var pending = Data()
    private var parts = 0

    /// Starts an upload after checking that `scope` sees the audit, that it declares
    /// `item`/`name`, and that the declared size is within `maxSize`.
    /// - Throws: ``StoreError/notFound(_:)`` for an audit out of scope; ``StoreError/invalid(_:)``
    ///   for an undeclared attachment, a type evidence may not have, or a declared size over the limit.
    public static func begin(
        tenant: Tenant, auditID: String, item: String, name: String, maxSize: Int,
        scope: AuditScope = .all, database: Database
    ) async throws -> EvidenceUpload {
        guard UUID(uuidString: auditID) != nil else { throw StoreError.notFound("audit \(auditID)") }
        let row = try await database.tenantTransaction(tenant, readOnly: true, rerun: .always) { conn in
            try conn.queryFirst(
                """
                SELECT x.sha256, x.content_type,
                       (SELECT (e->>'size')::bigint FROM jsonb_array_elements(a.document->'attachments') e
                        WHERE e->>'item' = x.item_code AND e->>'name' = x.name LIMIT 1)
                FROM audits a JOIN outlets o ON o.id = a.outlet_id JOIN regions r ON r.id = o.region_id
                LEFT JOIN staff st ON st.id = a.served_by
                LEFT JOIN audit_attachments x ON x.audit_id = a.id AND x.item_code = \(item) AND x.name = \(name)
                WHERE a.id = \(auditID)::uuid
                  AND app_audit_visible(\(fragment: scope.arguments), a.submitted_by, o.code, r.path, st.employee_no, a.state)
                """
            ).map { try $0.decode((String?, String?, Int?).self) }
        }
        guard let row else { throw StoreError.notFound("audit \(auditID)") }
        guard let sha256 = row.0, let contentType = row.1 else {
            throw StoreError.invalid([Problem(path: "attachments", message: "\(item)/\(name) is not declared in audit \(auditID)")])
        }
        // A declaration stored before only raster images and PDF were accepted.
        if let problem = EvidenceContentType.problem(contentType) {
            throw StoreError.invalid([Problem(path: "contentType", message: problem)])
        }
        if let size = row.2, size > maxSize {
            throw StoreError.invalid([Problem(path: "size", message: "declared \(size) bytes exceed the limit of \(maxSize)")])
        }
        let declaration = EvidenceDeclaration(auditID: auditID, item: item, name: name, sha256: sha256, contentType: contentType, size: row.2)
        return EvidenceUpload(declaration: declaration, tenant: tenant, database: database, maxSize: maxSize)
    }

    private init(declaration: EvidenceDeclaration, tenant: Tenant, database: Database, maxSize: Int) {
        self.declaration = declaration
        self.tenant = tenant
        self.database = database
        self.maxSize = maxSize
    }

    /// Takes the next bytes of the body; a full part goes to the database.
    /// - Throws: ``StoreError/invalid(_:)`` (path `size`) as soon as the body passes the limit or the declared size.
    public mutating func write(_ bytes: Data) async throws {
        received += bytes.count
        if received > maxSize {
            throw StoreError.invalid([Problem(path: "size", message: "more than the limit of \(maxSize) bytes")])
        }
        if let size = declaration.size, received > size {
            throw StoreError.invalid([Problem(path: "size", message: "declared \(size) bytes, received more")])
        }
        hasher.update(data: bytes)
        pending.append(bytes)
        if pending.count >= Self.partSize { try await flush() }
    }

    /// Checks the size and hash, joins the parts into the attachment and runs the audit's
    /// evidence rules (reuse flags, release when the last required photo arrived).
    /// - Throws: ``StoreError/invalid(_:)`` naming `size` or `sha256` (expected and actual hash).
    public mutating func finish(actor: String, scope: AuditScope = .all, now: Date = Date()) async throws -> EvidenceReceipt {
        try await flush()
        let actual = Hashing.hex(hasher.finalize())
        var problems: [Problem] = []
        if let size = declaration.size, size != received {
            problems.append(Problem(path: "size", message: "declared \(size) bytes, received \(received)"))
        }
        if actual != declaration.sha256 {
            problems.append(Problem(path: "sha256", message: "expected \(declaration.sha256), got \(actual)"))
        }
        guard problems.isEmpty else { throw StoreError.invalid(problems) }
        let (declaration, uploadID, size) = (self.declaration, self.uploadID, self.received)
        // Not idempotent (the parts are gone once joined): run again only if nothing was committed.
        return try await database.tenantTransaction(tenant, rerun: .uncommitted) { conn in
            try EvidenceStore.store(conn, declaration: declaration, uploadID: uploadID, size: size, actor: actor, scope: scope, now: now)
        }
    }

    /// Removes the parts sent so far (after a failed or cancelled upload).
    public func abandon() async {
        let uploadID = self.uploadID
        _ = try? await database.tenantTransaction(tenant) { conn in
            try conn.execute("DELETE FROM audit_evidence_parts WHERE upload_id = \(uploadID)::uuid")
        }
    }

    private mutating func flush() async throws {
        guard !pending.isEmpty else { return }
        let (part, seq, uploadID, auditID) = (PQBytes(pending), parts, self.uploadID, self.declaration.auditID)
        pending = Data()
        parts += 1
        // A part is keyed by (upload, seq) and its bytes never change: storing it again is a no-op.
        _ = try await database.tenantTransaction(tenant, rerun: .always) { conn in
            try conn.execute(
                """
                INSERT INTO audit_evidence_parts (tenant_id, upload_id, seq, audit_id, bytes)
                VALUES (app_current_tenant(), \(uploadID)::uuid, \(seq), \(auditID)::uuid, \(part))
                ON CONFLICT (tenant_id, upload_id, seq) DO NOTHING
                """)
        }
    }
}
