public import Logging
import PQ

/// Where the store logs the database errors it does not show its callers: PostgreSQL's
/// message, detail, SQLSTATE, constraint and table name. The server binds each request's
/// logger (it carries the request id), so a client's generic message can be matched with
/// the details in the log.
public enum StoreErrorLog {
    /// The logger of the current task (a request); nil: the database errors go unlogged here.
    @TaskLocal public static var logger: Logger?

    /// Logs `error` with its details on the current task's logger.
    static func record(_ error: PQError, meaning: StoreError?) {
        guard let logger else { return }
        var metadata: Logger.Metadata = ["db.message": .string(error.message)]
        if let code = error.code { metadata["db.sqlstate"] = .string(code.description) }
        if let detail = error.detail { metadata["db.detail"] = .string(detail) }
        if let constraint = error.constraint { metadata["db.constraint"] = .string(constraint) }
        if let table = error.table { metadata["db.table"] = .string(table) }
        if let column = error.column { metadata["db.column"] = .string(column) }
        if let meaning { metadata["answer"] = .string(meaning.description) }
        logger.info("database refused the request", metadata: metadata)
    }

    /// Logs that work is run again because its server went away (``Rerun``).
    static func recordRerun(_ error: PQError) {
        guard let logger else { return }
        var metadata: Logger.Metadata = ["db.message": .string(error.message)]
        if let code = error.code { metadata["db.sqlstate"] = .string(code.description) }
        logger.notice("database server went away; running the work again on a new connection", metadata: metadata)
    }
}
