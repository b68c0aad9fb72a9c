public import Foundation
public import PQ
public import TouchstoneCore

/// A file uploaded in the pages for import (`import_uploads`), kept between its dry run and
/// "apply": the same file, the same ``importCSV(_:file:tenant:options:database:)`` code.
/// Staging is quick; the dry run (``ImportUploads/check(tenant:id:progress:database:)``) and
/// the import (``ImportUploads/apply(tenant:id:appliedBy:progress:database:)``) read the whole file.
public struct ImportUpload: Sendable {
    public let id: Int64
    public let kind: ImportKind
    public let fileName: String
    public let sha256: String
    public let size: Int
    public let ignoreExtraColumns: Bool
    public let uploadedBy: String
    public let uploadedAt: Date
    public let expiresAt: Date
    /// The latest check: the dry run at upload, or a failed apply's problems.
    public let check: ImportOutcome?
    public let appliedBy: String?
    public let appliedAt: Date?
    /// What the import did, once applied.
    public let applied: ImportOutcome?

    /// Whether it may be applied: checked without problems and not applied yet.
    public var canApply: Bool { appliedAt == nil && check?.problems.isEmpty == true }
}

/// What one run of an import (dry or not) found: its counts, or every problem (line and column).
public struct ImportOutcome: Sendable, Codable, Equatable {
    /// The counts, when the file passed (nil when it had problems).
    public var report: ImportReport?
    /// Every problem found; empty when the file passed.
    public var problems: [Problem]
    /// The rows read (the header not counted), also when there were problems.
    public var rows: Int
    /// How long the run took, in seconds.
    public var seconds: Double
}

/// Staging, dry runs and applying of uploaded import files, per tenant under row-level security.
public enum ImportUploads {
    /// The largest file accepted (20 MiB, as `import_uploads.size` allows).
    public static let maxSize = 20 << 20
    /// How long an upload stays applicable.
    public static let lifetime = "1 day"

    /// An upload's columns, in ``ImportUpload/init(row:)``'s order.
    static let columns: Query = """
        id, kind, file_name, sha256, size, ignore_extra, uploaded_by, uploaded_at, expires_at,
        dry_run::text, applied_by, applied_at, applied::text
        """

    /// Stores `content` as a new upload of the tenant, not yet checked (``check(tenant:id:progress:database:)``
    /// runs its dry run). Expired uploads of the tenant are removed on the way.
    public static func stage(
        tenant: Tenant, kind: ImportKind, fileName: String, content: Data, ignoreExtraColumns: Bool, uploadedBy: String, database: Database
    ) async throws -> ImportUpload {
        guard content.count <= maxSize else {
            throw StoreError.invalid([Problem(path: "file", message: "the file has \(content.count) bytes; at most \(maxSize) (20 MiB) are accepted")]
            )
        }
        return try await database.tenantTransaction(tenant) { conn in
            _ = try conn.execute("DELETE FROM import_uploads WHERE expires_at <= now()")
            return try ImportUpload(
                row: conn.queryFirst(
                    """
                    INSERT INTO import_uploads (tenant_id, kind, file_name, sha256, size, content, ignore_extra, uploaded_by, expires_at)
                    VALUES (app_current_tenant(), \(kind.rawValue), \(fileName), \(Hashing.sha256Hex(content)), \(content.count),
                            \(PQBytes(content)), \(ignoreExtraColumns), \(uploadedBy), now() + \(lifetime)::interval)
                    RETURNING \(fragment: columns)
                    """)!)
        }
    }

    /// Runs the dry run of upload `id` (again, if it ran before: the stored data may have changed)
    /// and records its outcome, unless the upload was applied already.
    /// - Parameter progress: receives the rows read so far (``ImportOptions/progress``).
    public static func check(
        tenant: Tenant, id: Int64, progress: (@Sendable (Int) -> Void)? = nil, database: Database
    ) async throws -> ImportUpload {
        try await database.tenantTransaction(tenant) { conn in
            let (upload, content) = try lock(conn, id: id)
            guard upload.appliedAt == nil else { return upload }
            let options = ImportOptions(ignoreExtraColumns: upload.ignoreExtraColumns, dryRun: true, progress: progress)
            let outcome = try run(conn, kind: upload.kind, content: content, options: options)
            return try record(conn, id: id, set: "dry_run", outcome: outcome, by: nil)
        }
    }

    /// The upload `id`, locked for this transaction, and its file.
    private static func lock(_ conn: PQConnection, id: Int64) throws -> (ImportUpload, Data) {
        guard
            let row = try conn.queryFirst(
                """
                SELECT \(fragment: columns) FROM import_uploads WHERE id = \(id) AND expires_at > now() FOR UPDATE
                """)
        else { throw StoreError.notFound("import upload \(id) (uploads expire after \(lifetime); upload the file again)") }
        guard let content = try conn.queryBytes("SELECT content FROM import_uploads WHERE id = \(id)") else {
            throw StoreError.notFound("import upload \(id)")
        }
        return (try ImportUpload(row: row), content)
    }

    /// The tenant's upload `id`; not found when there is none or it has expired.
    public static func find(tenant: Tenant, id: Int64, database: Database) async throws -> ImportUpload {
        try await database.tenantTransaction(tenant, readOnly: true) { conn in
            guard
                let row = try conn.queryFirst(
                    "SELECT \(fragment: columns) FROM import_uploads WHERE id = \(id) AND expires_at > now()")
            else { throw StoreError.notFound("import upload \(id) (uploads expire after \(lifetime); upload the file again)") }
            return try ImportUpload(row: row)
        }
    }

    /// The tenant's uploads that have not expired, newest first.
    public static func recent(tenant: Tenant, limit: Int = 20, database: Database) async throws -> [ImportUpload] {
        try await database.tenantTransaction(tenant, readOnly: true) { conn in
            try conn.query(
                """
                SELECT \(fragment: columns) FROM import_uploads WHERE expires_at > now() ORDER BY id DESC LIMIT \(limit)
                """
            ).decode(ImportUpload.self)
        }
    }

    /// Imports upload `id` for real, all-or-nothing, exactly as the CLI imports the file. An upload
    /// applied already is left as it is (applying twice imports once); when the import finds
    /// problems now (the stored data changed since the dry run), nothing is imported and they
    /// become the upload's latest check.
    public static func apply(
        tenant: Tenant, id: Int64, appliedBy: String, progress: (@Sendable (Int) -> Void)? = nil, database: Database
    ) async throws -> ImportUpload {
        try await database.tenantTransaction(tenant) { conn in
            let (upload, content) = try lock(conn, id: id)
            guard upload.appliedAt == nil else { return upload }
            let options = ImportOptions(ignoreExtraColumns: upload.ignoreExtraColumns, progress: progress)
            let outcome = try run(conn, kind: upload.kind, content: content, options: options)
            if outcome.problems.isEmpty {
                return try record(conn, id: id, set: "applied", outcome: outcome, by: appliedBy)
            }
            return try record(conn, id: id, set: "dry_run", outcome: outcome, by: nil)
        }
    }

    /// Runs the import of `content` on `conn` inside a savepoint, which is rolled back when the
    /// file has problems (they are returned, not thrown).
    private static func run(_ conn: PQConnection, kind: ImportKind, content: Data, options: ImportOptions) throws -> ImportOutcome {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("touchstone-upload-\(UUID().uuidString).csv")
        try content.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let rows = RowCount()
        var options = options
        let progress = options.progress
        options.progress = { count in
            rows.value = count
            progress?(count)
        }
        let started = Date()
        try conn.execute("SAVEPOINT import_upload")
        do {
            let report = try CSVImporter(format: kind.format, entity: kind.rawValue, options: options).run(conn, file: file)
            try conn.execute("RELEASE SAVEPOINT import_upload")
            return ImportOutcome(report: report, problems: [], rows: report.rows, seconds: Date().timeIntervalSince(started))
        } catch StoreError.invalid(let problems) {
            try conn.execute("ROLLBACK TO SAVEPOINT import_upload")
            return ImportOutcome(report: nil, problems: problems, rows: rows.value, seconds: Date().timeIntervalSince(started))
        }
    }

    private static func record(_ conn: PQConnection, id: Int64, set column: String, outcome: ImportOutcome, by login: String?) throws -> ImportUpload
    {
        let json = String(decoding: try JSONEncoder().encode(outcome), as: UTF8.self)
        let applied = column == "applied"
        return try ImportUpload(
            row: conn.queryFirst(
                """
                UPDATE import_uploads
                SET dry_run = CASE WHEN \(applied) THEN dry_run ELSE \(json)::jsonb END,
                    applied = CASE WHEN \(applied) THEN \(json)::jsonb END,
                    applied_by = \(login), applied_at = CASE WHEN \(applied) THEN now() END
                WHERE id = \(id)
                RETURNING \(fragment: columns)
                """)!)
    }
}

extension ImportUpload: PQRowDecodable {
    /// A row starting with ``ImportUploads``' `columns`.
    public init(row: PQRow) throws {
        let (kind, check, applied): (String, String?, String?)
        (id, kind, fileName, sha256, size, ignoreExtraColumns, uploadedBy, uploadedAt, expiresAt, check, appliedBy, appliedAt, applied) =
            try row.decode((Int64, String, String, String, Int, Bool, String, Date, Date, String?, String?, Date?, String?).self)
        guard let importKind = ImportKind(rawValue: kind) else { throw StoreError.invalidState("unknown import kind \(kind)") }
        func outcome(_ json: String?) throws -> ImportOutcome? {
            try json.map { try JSONDecoder().decode(ImportOutcome.self, from: Data($0.utf8)) }
        }
        self.kind = importKind
        self.check = try outcome(check)
        self.applied = try outcome(applied)
    }
}

/// The rows an import has read so far, kept for an outcome with problems (which has no report).
private final class RowCount: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var value: Int {
        get { lock.withLock { count } }
        set { lock.withLock { count = newValue } }
    }
}
