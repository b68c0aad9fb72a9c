public import Foundation
public import TouchstoneCore

/// Single uploads that arrive together, stored together.
///
/// Each upload pays about 3 ms of PostgreSQL's time once per statement and transaction,
/// whatever the number of audits (the checks of the child rows, the dirty rows, the change
/// log, the commit). Uploads of one uploader (tenant, login and scope) queue in a lane; at
/// most ``maxInFlight`` transactions of a lane run at once, and each takes every upload waiting
/// when it starts (up to ``maxBatch``), through ``AuditQueries/submitMany(tenant:documents:submittedBy:scope:now:database:)``.
/// Nothing waits on a timer: an upload that finds a free slot starts at once, alone, through
/// ``AuditQueries/submit(tenant:document:submittedBy:scope:now:database:)``, so a quiet
/// daemon answers as before. Each upload gets the receipt or error it would have had alone.
///
/// Four transactions a lane by default: fewer starve the two cores while transactions wait
/// for their commits (2 lost a fifth of the uploads at 4 clients), more leave little to store
/// together (BENCHMARKS.md, round nine). One uploader also holds at most that many of the
/// pool's connections.
///
/// The upload that starts a transaction runs it and hands the others their results; when it is
/// done it hands the slot to the first upload still waiting. The transaction runs in a task
/// that does not inherit the starting request's cancellation, so a client that goes away
/// cancels no one else's upload. No thread of its own; the lock is never held across a
/// suspension point.
public final class AuditUploadQueue: @unchecked Sendable {
    /// Transactions of one lane running at once.
    public let maxInFlight: Int
    /// The most uploads one transaction takes.
    public let maxBatch: Int
    private let database: Database
    private let lock = NSLock()
    private var lanes: [Lane.Key: Lane] = [:]

    public init(database: Database, maxInFlight: Int = 4, maxBatch: Int = 64) {
        self.database = database
        self.maxInFlight = max(1, maxInFlight)
        self.maxBatch = max(1, maxBatch)
    }

    /// Uploads one audit document as ``AuditQueries/submit(tenant:document:submittedBy:scope:now:database:)``
    /// does, with the uploads of the same uploader that are waiting when its transaction starts.
    public func submit(tenant: Tenant, document: Data, submittedBy: String, scope: AuditScope) async throws -> AuditReceipt {
        let key = Lane.Key(tenant: tenant.id, submittedBy: submittedBy, scope: scope)
        let turn = await withCheckedContinuation { (continuation: CheckedContinuation<Turn, Never>) in
            let started = lock.withLock {
                lanes[key, default: Lane()].waiting.append(Waiting(document: document, continuation: continuation))
                return start(key)
            }
            Self.lead(started)
        }
        switch turn {
        case .done(let result):
            return try result.get()
        case .lead(let batch):
            // In a task of its own: the others' uploads are not cancelled with this request.
            let results = await Task { await store(batch, tenant: tenant, submittedBy: submittedBy, scope: scope) }.value
            for (waiting, result) in zip(batch.dropFirst(), results.dropFirst()) { waiting.continuation.resume(returning: .done(result)) }
            let started = lock.withLock {
                lanes[key]!.inFlight -= 1
                return start(key)
            }
            Self.lead(started)
            return try results[0].get()
        }
    }

    /// The uploads of `batch`, alone or together: one result each, in order.
    private func store(_ batch: [Waiting], tenant: Tenant, submittedBy: String, scope: AuditScope) async -> [Result<AuditReceipt, any Error>] {
        do {
            if batch.count == 1 {
                return [
                    .success(
                        try await AuditQueries.submit(
                            tenant: tenant, document: batch[0].document, submittedBy: submittedBy, scope: scope, database: database))
                ]
            }
            return try await AuditQueries.submitMany(
                tenant: tenant, documents: batch.map(\.document), submittedBy: submittedBy, scope: scope, database: database)
        } catch {
            return batch.map { _ in .failure(error) }
        }
    }

    /// Takes the batches of lane `key` that can start now (called with the lock held); a lane
    /// with nothing waiting or running is dropped.
    private func start(_ key: Lane.Key) -> [[Waiting]] {
        guard var lane = lanes[key] else { return [] }
        var started: [[Waiting]] = []
        while lane.inFlight < maxInFlight && !lane.waiting.isEmpty {
            let batch = Array(lane.waiting.prefix(maxBatch))
            lane.waiting.removeFirst(batch.count)
            lane.inFlight += 1
            started.append(batch)
        }
        lanes[key] = lane.inFlight == 0 ? nil : lane
        return started
    }

    /// Wakes the first upload of each batch to run it.
    private static func lead(_ batches: [[Waiting]]) {
        for batch in batches { batch[0].continuation.resume(returning: .lead(batch)) }
    }

    /// What a waiting upload is woken with: its result, or a batch to run (its own upload first).
    private enum Turn {
        case done(Result<AuditReceipt, any Error>)
        case lead([Waiting])
    }

    private struct Waiting {
        var document: Data
        var continuation: CheckedContinuation<Turn, Never>
    }

    /// One uploader's uploads: those waiting, and how many transactions run.
    private struct Lane {
        struct Key: Hashable {
            var tenant: Int64
            var submittedBy: String
            var scope: AuditScope
        }

        var waiting: [Waiting] = []
        var inFlight = 0
    }
}
