import Foundation
import PQ
import TouchstoneCore

/// What follows the release of audits, in the transaction that releases them: each audit's
/// `audit.released` event, then the corrective actions it opens and verifies
/// (``ActionOpening/released(_:audits:now:)``) with their events, in the order releasing them
/// one after another writes them. An upload or a review releases one audit; an import many.
enum AuditRelease {
    /// A released audit and its score.
    struct Released {
        var id: String
        var template: Template
        var score: AuditScore
    }

    /// Announces the release of `audits` (in release order) by `actor` at `now`.
    static func run(_ conn: PQConnection, _ audits: [Released], by actor: String, at now: Date) throws {
        guard !audits.isEmpty else { return }
        let released = try AuditEvents.released(conn, ids: audits.map(\.id), by: actor, at: now)
        let actions = try ActionOpening.released(conn, audits: audits, now: now)
        try OutboxQueries.emit(audits.indices.flatMap { [released[$0]] + actions[$0] }, on: conn)
    }
}
