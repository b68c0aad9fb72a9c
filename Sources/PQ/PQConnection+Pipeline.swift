import CLibPQ
import Logging

extension PQConnection {
    /// Sends many statements in one round trip using libpq pipeline mode with a single sync point.
    ///
    /// The statements run as one implicit transaction unless the connection is already inside one: if any
    /// statement fails, the rest are skipped and nothing from this pipeline is kept (outside a transaction
    /// block), and the first failing statement's error is thrown.
    /// - Parameter queries: The statements, in order.
    /// - Returns: The affected-row count of each statement, in order.
    @discardableResult
    public func pipeline(_ queries: [Query]) throws -> [Int] {
        guard !queries.isEmpty else { return [] }
        return try pipeline(queries, while: {}).results.map(\.affectedRows)
    }

    /// Sends `queries` as one pipeline (one sync point, as ``pipeline(_:)``) and runs `work` here
    /// while the server executes them, then collects their results: the client's computing and
    /// the server's statements overlap instead of taking turns (a batch writes one chunk and
    /// fetches the next while it computes the current one).
    ///
    /// The statements always complete before this returns, so the connection is free again
    /// whatever happens. When `work` throws, the running statement is asked to cancel (it may
    /// finish first: run this inside a transaction, which the error then rolls back) and `work`'s
    /// error is thrown; otherwise the first failing statement's error, if any.
    /// - Returns: Each statement's result (its rows, and its affected-row count), in order, and
    ///   what `work` returned.
    public func pipeline<T>(_ queries: [Query], while work: () throws -> T) throws -> (results: [PQRows], value: T) {
        try checkUsable()
        logger.trace("pq pipeline", metadata: ["pq.statements": "\(queries.count)"])
        guard PQenterPipelineMode(handle) == 1 else {
            throw PQError(kind: .connection, message: "could not enter pipeline mode: \(connectionError(sql: nil).message)")
        }
        var sendError: PQError?
        for query in queries {
            do {
                try send(query)
            } catch let error as PQError {
                sendError = error
                break
            } catch {
                sendError = PQError(kind: .connection, message: "\(error)")
                break
            }
        }
        // Marks the sync point and flushes what was sent.
        guard PQpipelineSync(handle) == 1 else {
            mustDiscard = true
            throw sendError ?? connectionError(sql: nil)
        }
        let value: T
        do {
            value = try work()
        } catch {
            cancelRunningStatement()
            _ = collectPipeline(queries)
            // The cancel request travels apart from this connection and may land on a later
            // statement if these finished first: the pool must not hand the connection out again.
            mustDiscard = true
            throw error
        }
        let (results, failure) = collectPipeline(queries)
        if let failure { throw failure }
        if let sendError { throw sendError }
        return (results, value)
    }

    /// Reads the pipeline's results up to its sync point and leaves pipeline mode.
    /// - Returns: The results of the statements that succeeded, and the first error.
    private func collectPipeline(_ queries: [Query]) -> (results: [PQRows], failure: PQError?) {
        var results: [PQRows] = []
        results.reserveCapacity(queries.count)
        var failure: PQError?
        var index = 0
        while true {
            guard let result = PQgetResult(handle) else {
                // End of one statement's results; move to the next.
                if PQstatus(handle) != CONNECTION_OK {
                    failure = failure ?? connectionLost(sql: nil)
                    break
                }
                continue
            }
            let status = PQresultStatus(result)
            if status == PGRES_PIPELINE_SYNC {
                PQclear(result)
                break
            }
            let sql = index < queries.count ? queries[index].sql : nil
            switch status {
            case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
                results.append(PQRows(storage: ResultStorage(result)))
            case PGRES_COPY_IN, PGRES_COPY_OUT, PGRES_COPY_BOTH:
                PQclear(result)
                // The server now expects COPY data; the connection cannot be reused safely.
                mustDiscard = true
                return (results, PQError(kind: .copy, message: "COPY statements must run through copyIn or copyOut", sql: sql))
            case PGRES_PIPELINE_ABORTED:
                PQclear(result)
            default:
                if failure == nil { failure = makeError(result: result, sql: sql) }
                PQclear(result)
            }
            index += 1
        }
        if PQstatus(handle) == CONNECTION_OK, PQexitPipelineMode(handle) != 1 {
            mustDiscard = true
        }
        return (results, failure)
    }
}
