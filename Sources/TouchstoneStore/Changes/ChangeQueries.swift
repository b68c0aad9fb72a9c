public import Foundation
import PQ
public import TouchstoneCore

/// SQL for reading the change log (the rows are written by the triggers of sql/0040 and by
/// import runs, in the transaction of the change itself).
public enum ChangeQueries {
    /// The tenant's changes in order, `limit` at a time after the change `after` (the
    /// previous page's `next`), optionally only those of `entity` and those at or after `since`.
    public static func list(
        tenant: Tenant, entity: String? = nil, since: Date? = nil, after: Int64? = nil, limit: Int, database: Database
    ) async throws -> Page<ChangeRecord> {
        let cursor = after ?? 0
        return try await database.tenantTransaction(tenant, readOnly: true) { conn in
            let rows = try conn.query(
                """
                SELECT id, at, actor, action, entity, entity_key, before::text, after::text FROM change_log
                WHERE id > \(cursor) AND (\(entity)::text IS NULL OR entity = \(entity))
                  AND (\(since)::timestamptz IS NULL OR at >= \(since))
                ORDER BY id LIMIT \(limit + 1)
                """)
            let changes = try rows.prefix(limit).map(decode)
            return Page(items: changes, next: rows.count > limit ? changes.last.map { String($0.id) } : nil)
        }
    }

    /// Records one import run: what was imported, its counts and the SHA-256 of its file.
    static func recordImport(_ conn: PQConnection, entity: String, fileDigest: String, report: ImportReport) throws {
        try conn.execute(
            """
            INSERT INTO change_log (tenant_id, actor, action, entity, entity_key, after)
            VALUES (app_current_tenant(), app_actor(), 'import', \(entity), \(fileDigest), jsonb_build_object(
                'sha256', \(fileDigest)::text, 'rows', \(report.rows)::integer, 'inserted', \(report.inserted)::integer,
                'updated', \(report.updated)::integer, 'unchanged', \(report.unchanged)::integer,
                'rejected', \(report.rejected.count)::integer))
            """)
    }

    static func decode(_ row: PQRow) throws -> ChangeRecord {
        let (id, at, actor, action, entity, key, before, after) = try row.decode(
            (Int64, Date, String, String, String, String, String?, String?).self)
        func json(_ text: String?) throws -> JSONValue? {
            try text.map { try JSONValue.parse(Data($0.utf8)) }
        }
        return ChangeRecord(
            id: id, at: at, actor: actor, action: action, entity: entity, key: key, before: try json(before), after: try json(after))
    }
}
