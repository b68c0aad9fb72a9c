public import Foundation
import PQ
public import TouchstoneCore

/// SQL for audits: idempotent uploads, reads in a caller's scope, evidence
/// (`AuditQueries+Evidence.swift`) and the review/dispute workflow (`AuditQueries+Workflow.swift`).
public enum AuditQueries {
    /// Uploads one audit document (formats.md "Audit document") in one transaction.
    ///
    /// The `id` makes the upload idempotent: the same content again returns the stored
    /// receipt with `replayed` true; other content is a conflict and changes nothing,
    /// except for an audit that was sent back, whose changed re-upload replaces it.
    /// Concurrent uploads of one id are safe (the second waits for the first).
    /// - Parameters:
    ///   - document: the JSON bytes.
    ///   - submittedBy: the uploader's login (an auditor sees only its own uploads).
    ///   - scope: the uploader's scope: an id already used by an audit outside it is a conflict
    ///     that says nothing about that audit (only its submitter or head office may resubmit).
    ///   - now: the upload instant (`visitedAt` must not be later).
    /// - Throws: ``StoreError/invalid(_:)`` listing every problem with its path;
    ///   ``StoreError/conflict(_:)`` for a changed replay.
    public static func submit(
        tenant: Tenant, document: Data, submittedBy: String, scope: AuditScope = .all, now: Date = Date(),
        database: Database
    ) async throws -> AuditReceipt {
        // Idempotent by id: run again after a failover even if the first run may have committed.
        // The upload's statements are the import's, with one audit: planned once per connection
        // rather than at every upload (a custom plan of the reference query alone cost 1.2 ms).
        try await database.tenantTransaction(tenant, rerun: .always, settings: [("plan_cache_mode", "force_generic_plan")]) { conn in
            try AuditSubmission.run(conn, tenant: tenant, json: document, submittedBy: submittedBy, scope: scope, now: now).0
        }
    }

    /// Uploads several audit documents in one transaction (``AuditUploadBatch``): each gets
    /// what ``submit(tenant:document:submittedBy:scope:now:database:)`` would have given it,
    /// uploaded alone in the same order, and one refused changes nothing for the others.
    /// Runs of new audits are written together, paying the per-statement costs once.
    /// - Returns: each document's receipt or error, in the order of `documents`.
    public static func submitMany(
        tenant: Tenant, documents: [Data], submittedBy: String, scope: AuditScope = .all, now: Date = Date(),
        database: Database
    ) async throws -> [Result<AuditReceipt, any Error>] {
        do {
            return try await database.tenantTransaction(tenant, rerun: .always, settings: [("plan_cache_mode", "force_generic_plan")]) { conn in
                try AuditUploadBatch.run(conn, tenant: tenant, documents: documents, submittedBy: submittedBy, scope: scope, now: now)
            }
        } catch let error as PQError where error.code == .deadlockDetected || error.code == .serializationFailure {
            var results: [Result<AuditReceipt, any Error>] = []
            for document in documents {
                do {
                    let receipt = try await submit(
                        tenant: tenant, document: document, submittedBy: submittedBy, scope: scope, now: now, database: database)
                    results.append(.success(receipt))
                } catch {
                    results.append(.failure(error))
                }
            }
            return results
        }
    }

    /// One audit in full, if `scope` lets the caller see it.
    public static func get(tenant: Tenant, id: String, scope: AuditScope = .all, database: Database) async throws -> AuditRecord {
        guard UUID(uuidString: id) != nil else { throw StoreError.notFound("audit \(id)") }
        let record = try await database.tenantTransaction(tenant, readOnly: true, rerun: .always) { conn in
            try AuditRecordReader.read(conn, id: id, scope: scope, timeZone: tenant.timeZone)
        }
        guard let record else { throw StoreError.notFound("audit \(id)") }
        return record
    }

    /// Audits visible in `scope`, ordered by visit time then id, `limit` at a time after the
    /// cursor `after` (the previous page's `next`). Filters are optional: the period (cut in
    /// the tenant's time zone), an outlet code, a state, the uploader's login.
    public static func list(
        tenant: Tenant, scope: AuditScope = .all, period: Period? = nil, outlet: String? = nil,
        state: AuditState? = nil, submittedBy: String? = nil, after: String? = nil, limit: Int = 100,
        database: Database
    ) async throws -> Page<AuditSummary> {
        let bounds = period?.bounds(in: tenant.timeZone)
        let cursor = try after.map(ListCursor.init)
        return try await database.tenantTransaction(tenant, readOnly: true, rerun: .always) { conn in
            let rows = try conn.query(
                """
                SELECT a.id, a.template_code, a.template_version, o.code, a.visited_at, st.employee_no, a.state, a.score,
                       a.critical_failure, a.submitted_by, (extract(epoch FROM a.visited_at) * 1000000)::bigint, a.flags
                FROM audits a JOIN outlets o ON o.id = a.outlet_id JOIN regions r ON r.id = o.region_id
                LEFT JOIN staff st ON st.id = a.served_by
                WHERE app_audit_visible(\(fragment: scope.arguments), a.submitted_by, o.code, r.path, st.employee_no, a.state)
                  AND (\(bounds?.start)::timestamptz IS NULL OR a.visited_at >= \(bounds?.start)::timestamptz)
                  AND (\(bounds?.end)::timestamptz IS NULL OR a.visited_at < \(bounds?.end)::timestamptz)
                  AND (\(outlet)::text IS NULL OR o.code = \(outlet))
                  AND (\(state?.rawValue)::text IS NULL OR a.state = \(state?.rawValue))
                  AND (\(submittedBy)::text IS NULL OR a.submitted_by = \(submittedBy))
                  AND (\(cursor?.micros)::bigint IS NULL OR (a.visited_at, a.id) >
                       ('epoch'::timestamptz + \(cursor?.micros)::bigint * interval '1 microsecond', \(cursor?.id)::uuid))
                ORDER BY a.visited_at, a.id LIMIT \(max(1, limit) + 1)
                """)
            var items: [AuditSummary] = []
            var last: ListCursor?
            for row in rows.prefix(max(1, limit)) {
                let (uuid, template, templateVersion, outletCode, visitedAt, servedBy, stateText, score, criticalFailure, submitter, micros, flags) =
                    try row.decode((UUID, String, Int, String, Date, String?, String, Decimal?, Bool, String, Int64, [String]).self)
                let id = uuid.uuidString.lowercased()
                last = ListCursor(micros: micros, id: id)
                items.append(
                    AuditSummary(
                        id: id, template: template, templateVersion: templateVersion, outlet: outletCode,
                        visitedAt: Instant.format(visitedAt, in: tenant.timeZone), servedBy: servedBy, state: try AuditReading.state(stateText),
                        score: score?.fixed(2), criticalFailure: criticalFailure, flags: flags,
                        submittedBy: scope.revealsAuditors ? submitter : nil))
            }
            return Page(items: items, next: rows.count > max(1, limit) ? last?.text : nil)
        }
    }

    /// A listing position: the last audit's visit instant (microseconds since the epoch) and id.
    struct ListCursor {
        var micros: Int64
        var id: String

        init(micros: Int64, id: String) {
            self.micros = micros
            self.id = id
        }

        /// `<microseconds>_<uuid>`.
        init(_ text: String) throws {
            let parts = text.split(separator: "_", maxSplits: 1)
            guard parts.count == 2, let micros = Int64(parts[0]), UUID(uuidString: String(parts[1])) != nil else {
                throw StoreError.invalid([Problem(path: "after", message: "not a cursor from a previous page")])
            }
            self.micros = micros
            id = String(parts[1])
        }

        var text: String { "\(micros)_\(id)" }
    }
}
