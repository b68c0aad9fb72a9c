import Foundation
import PQ
import TouchstoneCore

/// Uploads stored together in one transaction, each with the result it would have had
/// uploaded alone, in its order (``AuditQueries/submitMany(tenant:documents:submittedBy:scope:now:database:)``).
///
/// Runs of consecutive new audits are checked with one query for their references and written
/// with one statement per table, as the JSONL import writes them (``AuditSubmission/insertion(_:submittedBy:now:)``);
/// what an upload pays once per statement (the checks of the child rows, the dirty rows, the
/// change log, the commit) is then paid once for the run. Everything else takes the upload's own
/// path, one document at a time: field uploads (a planned visit is locked and moved; the
/// rotation signal counts stored visits) and a document repeating an id of an earlier one, in
/// their order; documents whose id is stored (an identical replay, a resubmission, a
/// conflict, all decided in the uploader's scope) after their run's new audits, a
/// resubmission ending its run. A run the database refuses as a whole goes
/// document by document. Each document has its own savepoint: one refused changes nothing
/// for the others. A deadlock (two batches holding ids the other waits for) ends the batch:
/// ``AuditQueries/submitMany(tenant:documents:submittedBy:scope:now:database:)`` then stores
/// each document in a transaction of its own, which holds no other id and cannot deadlock.
enum AuditUploadBatch {
    /// What becomes of each of `documents`, in their order.
    static func run(
        _ conn: PQConnection, tenant: Tenant, documents: [Data], submittedBy: String, scope: AuditScope, now: Date
    ) throws -> [Result<AuditReceipt, any Error>] {
        let parsed = documents.map { json -> Result<(AuditDocument, [Problem]), StoreError> in
            Result { () throws(StoreError) in try AuditSubmission.parse(json, tenant: tenant, now: now) }
        }
        var batch = Batch(
            conn: conn, tenant: tenant, documents: documents, submittedBy: submittedBy, scope: scope, now: now,
            settings: try FieldSettingsQueries.get(conn), parsed: parsed,
            results: parsed.map { parsed -> Result<AuditReceipt, any Error>? in
                guard case .failure(let error) = parsed else { return nil }
                return .failure(error)
            })
        var run: [Int] = []
        var ids = Set<String>()
        for (index, parsed) in parsed.enumerated() {
            guard case .success(let (doc, _)) = parsed else { continue }
            if doc.visit == nil && doc.device == nil && ids.insert(doc.id.lowercased()).inserted {
                run.append(index)
                continue
            }
            try batch.together(run)
            run = []
            ids.insert(doc.id.lowercased())
            try batch.alone(index)
        }
        try batch.together(run)
        return batch.results.map { $0! }
    }

    /// A run the database refused as a whole: taken again document by document.
    private struct DocumentByDocument: Error {}

    /// The batch's state in its transaction.
    private struct Batch {
        let conn: PQConnection
        let tenant: Tenant
        let documents: [Data]
        let submittedBy: String
        let scope: AuditScope
        let now: Date
        let settings: FieldSettingsQueries.Settings
        let parsed: [Result<(AuditDocument, [Problem]), StoreError>]
        /// Each document's result; nil until it is decided.
        var results: [Result<AuditReceipt, any Error>?]

        /// The documents at `indices` (no field upload, no id twice) in order: runs of new audits
        /// checked together and written with one statement per table.
        mutating func together(_ indices: [Int]) throws {
            var rest = indices[...]
            while !rest.isEmpty { rest = rest.dropFirst(try run(Array(rest))) }
        }

        /// The longest run at the start of `indices` that ends at a resubmission (or at the end),
        /// checked together: its new audits written together, then its documents whose id is
        /// stored taken alone (a replay or a refused change writes nothing: its place in the
        /// order does not matter; the resubmission, which writes, comes last). Returns how
        /// many documents of `indices` it took.
        private mutating func run(_ indices: [Int]) throws -> Int {
            try conn.execute("SAVEPOINT audit_uploads")
            var taken = indices.count
            var stored: [Int] = []
            do {
                let documents = indices.map { try? parsed[$0].get() }
                let lookup = try AuditSubmission.lookUp(conn, tenant: tenant, documents: documents.map { $0?.0 })
                var pending: [(index: Int, new: AuditSubmission.New)] = []
                for (offset, checked) in AuditSubmission.checkedAll(documents, lookup, tenant: tenant, settings: settings, now: now).enumerated() {
                    let index = indices[offset]
                    switch (checked!, lookup.references[offset]!.stored) {
                    case (.failure(let error), _):
                        results[index] = .failure(error)
                    case (.success(let new), nil):
                        pending.append((index, new))
                    case (.success(let new), let found?):
                        stored.append(index)
                        if found.state == .returned && found.hash != new.hash { taken = offset + 1 }
                    }
                    if taken < indices.count { break }
                }
                let news = pending.map(\.new)
                guard try AuditSubmission.insert(conn, news, submittedBy: submittedBy, now: now) == news.count else { throw DocumentByDocument() }
                try AuditRelease.run(conn, news.filter { $0.state == .released }.map(\.released), by: submittedBy, at: now)
                try conn.execute("RELEASE SAVEPOINT audit_uploads")
                for (index, new) in pending { results[index] = .success(new.receipt) }
            } catch {
                // Refused as a whole (a concurrent upload of one of its ids, any database error).
                try rollBack(indices)
                (stored, taken) = (indices, indices.count)
            }
            for index in stored { try alone(index) }
            return taken
        }

        /// Undoes a run and forgets what it decided.
        private mutating func rollBack(_ indices: [Int]) throws {
            try conn.execute("ROLLBACK TO SAVEPOINT audit_uploads")
            for index in indices { results[index] = nil }
        }

        /// The document at `index` through the upload's own path, in its own savepoint.
        mutating func alone(_ index: Int) throws {
            try conn.execute("SAVEPOINT audit_upload")
            do {
                let (receipt, _) = try AuditSubmission.run(
                    conn, tenant: tenant, json: documents[index], submittedBy: submittedBy, scope: scope, now: now)
                try conn.execute("RELEASE SAVEPOINT audit_upload")
                results[index] = .success(receipt)
            } catch let error as PQError where error.code == .deadlockDetected || error.code == .serializationFailure {
                // Not this document's fault: the batch's other locks took part. The caller stores each alone.
                throw error
            } catch {
                try conn.execute("ROLLBACK TO SAVEPOINT audit_upload")
                results[index] = .failure(StoreError.translate(error))
            }
        }
    }
}
