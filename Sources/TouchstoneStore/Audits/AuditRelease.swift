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
        let facts = try AuditEvents.facts(conn, ids: audits.map(\.id))
        let visits = zip(audits, facts).map { audit, f in
            CorrectiveActions.ReleasedVisit(
                audit: audit.id, outlet: f.outletID, visitedAt: f.visitedAt, passed: Set(CorrectiveActions.passedItems(score: audit.score)))
        }
        let actions = try ActionOpening.released(conn, audits: audits, visits: visits, now: now)
        try OutboxQueries.emit(
            audits.indices.flatMap { [AuditEvents.released(facts[$0], id: audits[$0].id, by: actor, at: now)] + actions[$0] }, on: conn)
    }
}
