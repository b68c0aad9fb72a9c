import Foundation
public import PQ
public import TouchstoneCore

/// SQL for periods: their state, closing, and the results fingerprint (rules.md §6).
public enum PeriodQueries {
    /// A period's columns, in ``PeriodStatus/init(row:)``'s order.
    static let columns: Query = "period, state, closed_at, closed_by, results_hash"

    /// The period's state; a period never run is reported open.
    public static func status(tenant: Tenant, period: Period, database: Database) async throws -> PeriodStatus {
        try await database.tenantTransaction(tenant, readOnly: true) { conn in
            try conn.queryFirst("SELECT \(fragment: columns) FROM periods WHERE period = \(period.description)").map(PeriodStatus.init)
                ?? PeriodStatus(period: period.description, state: "open", closedAt: nil, closedBy: nil, resultsHash: nil)
        }
    }

    /// Closes the period for good: records who and when and the ``ResultsHash`` of its
    /// results. From then on the database refuses any change to its KPI results and payouts.
    /// Waits for a batch run of the period that is writing (it holds the period row). Closing
    /// needs an approval: every payout row of the period approved (``FourEyes/closeRefusal(period:unapproved:)``).
    /// - Throws: ``StoreError/notFound(_:)`` when the period was never run,
    ///   ``StoreError/invalidState(_:)`` when payout rows are not approved,
    ///   ``StoreError/periodClosed(_:)`` when it is already closed.
    public static func close(tenant: Tenant, period: Period, actor: String, database: Database) async throws -> PeriodStatus {
        try await database.tenantTransaction(tenant) { conn in
            let key = period.description
            guard let state = try conn.queryFirst("SELECT state FROM periods WHERE period = \(key) FOR UPDATE")?.decode(String.self) else {
                throw StoreError.notFound("period \(key) has no batch run to close")
            }
            if state == "closed" { throw StoreError.periodClosed("period \(key) is already closed") }
            let unapproved = try conn.queryFirst("SELECT count(*) FROM payouts WHERE period = \(key) AND approved_by IS NULL")!.decode(Int.self)
            if let refusal = FourEyes.closeRefusal(period: key, unapproved: unapproved) { throw StoreError.invalidState(refusal) }
            let hash = try ResultsHash.compute(conn, period: key)
            let closed = try PeriodStatus(
                row: conn.queryFirst(
                    """
                    UPDATE periods SET state = 'closed', closed_at = now(), closed_by = \(actor), results_hash = \(hash)
                    WHERE period = \(key) RETURNING \(fragment: columns)
                    """)!)
            try OutboxQueries.emit(.periodClosed(period: key, resultsHash: hash, by: actor, at: closed.closedAt ?? Date()), on: conn)
            // A closed period is never run again: what changed in it (sql/0320) is of no use now.
            try conn.execute("DELETE FROM batch_dirty WHERE period = \(key)")
            return closed
        }
    }

    /// Recomputes the period's ``ResultsHash`` now (compare with the one stored at closing).
    public static func recomputeHash(tenant: Tenant, period: Period, database: Database) async throws -> String {
        try await database.tenantTransaction(tenant, readOnly: true) { conn in
            try ResultsHash.compute(conn, period: period.description)
        }
    }
}

extension PeriodStatus: PQRowDecodable {
    /// A row starting with ``PeriodQueries``' `columns`.
    public init(row: PQRow) throws {
        (period, state, closedAt, closedBy, resultsHash) = try row.decode((String, String, Date?, String?, String?).self)
    }
}
