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
        try checkUsable()
        logger.trace("pq pipeline", metadata: ["pq.statements": "\(queries.count)"])
        guard PQenterPipelineMode(handle) == 1 else {
            throw PQError(kind: .connection, message: "could not enter pipeline mode: \(connectionError(sql: nil).message)")
        }
        var sendError: PQError?
        var sent = 0
        for query in queries {
            do {
                try send(query)
                sent += 1
            } catch let error as PQError {
                sendError = error
                break
            } catch {
                sendError = PQError(kind: .connection, message: "\(error)")
                break
            }
        }
        guard PQpipelineSync(handle) == 1 else {
            mustDiscard = true
            throw sendError ?? connectionError(sql: nil)
        }
        var counts: [Int] = []
        counts.reserveCapacity(sent)
        var firstError: PQError?
        var synced = false
        var index = 0
        while !synced {
            guard let result = PQgetResult(handle) else {
                // End of one statement's results; move to the next.
                if PQstatus(handle) != CONNECTION_OK {
                    firstError = firstError ?? connectionLost(sql: nil)
                    break
                }
                continue
            }
            let status = PQresultStatus(result)
            switch status {
            case PGRES_PIPELINE_SYNC:
                synced = true
            case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
                counts.append(Self.affectedRows(result))
                index += 1
            case PGRES_PIPELINE_ABORTED:
                index += 1
            default:
                if firstError == nil {
                    firstError = makeError(result: result, sql: index < queries.count ? queries[index].sql : nil)
                }
                index += 1
            }
            PQclear(result)
        }
        if PQstatus(handle) == CONNECTION_OK, PQexitPipelineMode(handle) != 1 {
            mustDiscard = true
        }
        if let firstError { throw firstError }
        if let sendError { throw sendError }
        return counts
    }
}
