import CLibPQ
import Logging

extension PQConnection {
    /// Runs `query` on the server while `work` runs here, then waits for the statement: the
    /// client's computing and the server's writing overlap instead of taking turns (a batch
    /// inserts one chunk while it computes the next).
    ///
    /// The statement always completes before this returns, so the connection is free again
    /// whatever happens. When `work` throws, the statement is asked to cancel (it may finish
    /// first: run this inside a transaction, which the error then rolls back) and `work`'s
    /// error is thrown; otherwise the statement's error, if any.
    /// - Returns: The rows the statement affected, and what `work` returned.
    public func execute<T>(_ query: Query, while work: () throws -> T) throws -> (affected: Int, value: T) {
        try checkUsable()
        logger.trace("pq query, overlapped", metadata: ["pq.query": "\(query.sql)", "pq.binds": "\(query.binds.count)"])
        try send(query)
        let value: T
        do {
            value = try work()
        } catch {
            cancelRunningStatement()
            drainResults()
            // The cancel request travels apart from this connection and may land on a later
            // statement if this one finished first: the pool must not hand the connection out again.
            mustDiscard = true
            throw error
        }
        var affected = 0
        var failure: PQError?
        while let result = PQgetResult(handle) {
            defer { PQclear(result) }
            switch PQresultStatus(result) {
            case PGRES_COMMAND_OK, PGRES_TUPLES_OK:
                affected = Self.affectedRows(result)
            case PGRES_COPY_IN, PGRES_COPY_OUT, PGRES_COPY_BOTH:
                // The server now expects COPY data; the connection cannot be reused safely.
                mustDiscard = true
                throw PQError(kind: .copy, message: "COPY statements must run through copyIn or copyOut", sql: query.sql)
            default:
                if failure == nil { failure = makeError(result: result, sql: query.sql) }
            }
        }
        if let failure { throw failure }
        if PQstatus(handle) != CONNECTION_OK { throw connectionLost(sql: query.sql) }
        return (affected, value)
    }
}
