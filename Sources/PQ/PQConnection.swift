import CLibPQ
import Foundation
import Logging

/// One PostgreSQL connection (owns a `PGconn*`).
///
/// Obtain one only inside ``PQPool/withConnection(_:)`` or ``PQPool/withTransaction(isolation:readOnly:settings:_:)``.
/// All methods block the calling thread; the pool runs the whole closure on its own thread pool,
/// never on Swift's cooperative pool.
///
/// Invariant: exactly one borrower at a time, enforced by the pool lease. The type is deliberately not
/// `Sendable`; never capture it beyond the closure (the rows it returns, ``PQRows``, are values of their own).
public final class PQConnection {
    let handle: OpaquePointer
    let logger: Logger
    private let noticeBox: NoticeBox
    private var finished = false
    /// Set when the connection must not be reused (lost, or left in an unknown protocol state).
    var mustDiscard = false
    /// The current lease's cancellation state, set by the pool.
    var cancelToken: CancelToken?
    /// Statements prepared on this connection, by SQL text (see ``exec(_:accept:)``).
    private var preparedStatements: [String: String] = [:]
    /// The most statements kept prepared; past it they are all deallocated and prepared anew.
    static let preparedCapacity = 256

    private init(handle: OpaquePointer, logger: Logger) {
        self.handle = handle
        self.logger = logger
        self.noticeBox = NoticeBox(logger: logger)
        PQsetNoticeReceiver(
            handle,
            { argument, result in
                guard let argument, let result else { return }
                let box = Unmanaged<NoticeBox>.fromOpaque(argument).takeUnretainedValue()
                let message = String(cString: PQresultErrorMessage(result)).trimmingTrailingNewlines()
                if let severity = PQresultErrorField(result, Int32(UInt8(ascii: "V"))) {
                    let text = String(cString: severity)
                    if text == "FATAL" || text == "PANIC" { box.sawFatal = true }
                }
                box.logger.debug("postgres notice", metadata: ["pq.notice": "\(message)"])
            },
            Unmanaged.passUnretained(noticeBox).toOpaque()
        )
    }

    deinit {
        close()
    }

    /// Opens a connection with `PQconnectdbParams` and runs `setupSQL` (session settings) on it.
    static func connect(
        configuration: PQConfiguration, connectTimeoutSeconds: Int?, setupSQL: String?, logger: Logger
    ) throws -> PQConnection {
        var pairs: [(String, String)] = [("fallback_application_name", "touchstone")] + deadPeerDetection
        if let connectTimeoutSeconds {
            pairs.append(("connect_timeout", String(max(2, connectTimeoutSeconds))))
        }
        pairs += configuration.parameters
        let expand: Int32 = configuration.expandDBName ? 1 : 0
        logger.debug("pq connecting", metadata: ["pq.conninfo": "\(configuration)"])
        let handle = withCStringArray(pairs.map(\.0)) { keywords in
            withCStringArray(pairs.map(\.1)) { values in
                PQconnectdbParams(keywords, values, expand)
            }
        }
        guard let handle else {
            throw PQError(kind: .connection, message: "libpq could not allocate a connection")
        }
        guard PQstatus(handle) == CONNECTION_OK else {
            let message = String(cString: PQerrorMessage(handle)).trimmingTrailingNewlines()
            PQfinish(handle)
            var error = PQError(kind: .connection, message: message)
            error.stage = .connecting
            throw error
        }
        let connection = PQConnection(handle: handle, logger: logger)
        if let setupSQL {
            do {
                try connection.execute(script: setupSQL)
            } catch {
                connection.close()
                throw error
            }
        }
        return connection
    }

    /// TCP settings that notice a server that vanished without closing the connection (a
    /// machine lost, a network split) within about half a minute instead of the kernel's two
    /// hours: keepalives after 10 s idle, every 5 s, 3 unanswered; sent data unacknowledged for
    /// 30 s (`tcp_user_timeout`). The caller's own values come later and win. Unix sockets ignore them.
    static let deadPeerDetection: [(String, String)] = [
        ("keepalives", "1"), ("keepalives_idle", "10"), ("keepalives_interval", "5"), ("keepalives_count", "3"),
        ("tcp_user_timeout", "30000"),
    ]

    /// Closes the connection (`PQfinish`). Idempotent.
    func close() {
        guard !finished else { return }
        finished = true
        PQfinish(handle)
    }

    /// Whether the connection can go back to the pool: open, not marked for discard, and idle (not in a transaction).
    var isReusable: Bool {
        !finished && !mustDiscard && PQstatus(handle) == CONNECTION_OK && PQtransactionStatus(handle) == PQTRANS_IDLE
    }

    /// Whether the connection is open and usable at the protocol level.
    var isOpen: Bool {
        !finished && !mustDiscard && PQstatus(handle) == CONNECTION_OK
    }

    /// Reads any pending input without blocking and reports whether the server is still there.
    ///
    /// A backend terminated while idle sends a FATAL error (which libpq hands to the notice receiver)
    /// and then closes the socket; either sign marks the connection dead.
    func probeAlive() -> Bool {
        guard isOpen else { return false }
        for _ in 0..<2 {
            guard PQconsumeInput(handle) == 1, PQstatus(handle) == CONNECTION_OK else { return false }
        }
        return !noticeBox.sawFatal
    }

    /// The backend process id (`pg_backend_pid()`).
    public var backendPID: Int32 { PQbackendPID(handle) }

    /// Whether the connection is inside a transaction block (idle in transaction, or in a failed one).
    public var isInTransaction: Bool {
        let status = PQtransactionStatus(handle)
        return status == PQTRANS_INTRANS || status == PQTRANS_INERROR
    }

    /// Whether the current transaction is in the failed state (a statement errored and the error was caught).
    var transactionFailed: Bool {
        PQtransactionStatus(handle) == PQTRANS_INERROR
    }

    /// Rolls back an open transaction, ignoring the lease's cancellation flag. Marks the connection for
    /// discard if that fails.
    func rollbackIfInTransaction() {
        guard isOpen, isInTransaction else { return }
        guard let result = PQexec(handle, "ROLLBACK") else {
            mustDiscard = true
            return
        }
        if PQresultStatus(result) != PGRES_COMMAND_OK { mustDiscard = true }
        PQclear(result)
        drainResults()
    }

    // MARK: Statements

    /// Runs a statement and returns all its rows.
    /// - Parameter query: The statement and its binds.
    /// - Returns: The rows (empty for statements that return none).
    /// - Throws: ``PQError``.
    public func query(_ query: Query) throws -> PQRows {
        PQRows(storage: ResultStorage(try exec(query)))
    }

    /// Runs a statement and returns its first row, if any.
    public func queryFirst(_ query: Query) throws -> PQRow? {
        let rows = try self.query(query)
        return rows.first
    }

    /// Runs a statement and returns the number of rows it affected (`INSERT`/`UPDATE`/`DELETE`/…), 0 when none.
    @discardableResult
    public func execute(_ query: Query) throws -> Int {
        let result = try exec(query)
        defer { PQclear(result) }
        return Self.affectedRows(result)
    }

    /// Runs a multi-statement script with the simple query protocol (no binds), e.g. a migration.
    ///
    /// Without an explicit `BEGIN`/`COMMIT` in the script, PostgreSQL runs all its statements in one
    /// implicit transaction. Execution stops at the first error.
    public func execute(script: String) throws {
        try checkUsable()
        logger.trace("pq script", metadata: ["pq.query": "\(script.prefix(200))"])
        let result = PQexec(handle, script)
        let checked = try check(result, sql: script, accept: [PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY])
        PQclear(checked)
        // PQexec returns only the last result; drain any stray ones (none expected).
        while let extra = PQgetResult(handle) { PQclear(extra) }
    }

    /// Runs a query in single-row mode, calling `body` once per row as rows arrive (constant memory).
    ///
    /// If `body` throws, the statement is cancelled on the server, remaining rows are discarded and the
    /// error is rethrown; the connection stays usable for the rest of the lease, then the pool replaces
    /// it (the cancel request travels apart and could otherwise reach another caller's statement).
    public func forEachRow(_ query: Query, _ body: (PQRow) throws -> Void) throws {
        try checkUsable()
        try send(query)
        guard PQsetSingleRowMode(handle) == 1 else {
            drainResults()
            throw PQError(kind: .connection, message: "could not enter single-row mode", sql: query.sql)
        }
        var bodyError: (any Error)?
        var serverError: PQError?
        while let result = PQgetResult(handle) {
            let status = PQresultStatus(result)
            if status == PGRES_SINGLE_TUPLE {
                guard bodyError == nil, serverError == nil else {
                    PQclear(result)
                    continue
                }
                let storage = ResultStorage(result)
                do {
                    try body(PQRow(storage: storage, index: 0))
                } catch {
                    bodyError = error
                    cancelRunningStatement()
                }
            } else if status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK {
                PQclear(result)
            } else {
                if serverError == nil, bodyError == nil {
                    serverError = makeError(result: result, sql: query.sql)
                }
                PQclear(result)
            }
        }
        if let bodyError {
            mustDiscard = true
            throw bodyError
        }
        if let serverError { throw serverError }
        if PQstatus(handle) != CONNECTION_OK {
            throw connectionLost(sql: query.sql)
        }
    }

    // MARK: Internals shared with COPY and pipeline

    /// Throws if the lease was cancelled or the connection is closed.
    func checkUsable() throws {
        if cancelToken?.isCancelled == true {
            throw PQError(kind: .cancelled, code: .queryCanceled, message: "the task was cancelled")
        }
        guard !finished else { throw PQError(kind: .connection, message: "connection is closed") }
        guard PQstatus(handle) == CONNECTION_OK else { throw connectionLost(sql: nil) }
    }

    /// Executes `query` (text binds, text results); returns a successful result.
    ///
    /// Each distinct SQL text is prepared once per connection (`PQprepare`) and then executed
    /// by name (`PQexecPrepared`): the server parses and analyses it once and may keep its plan,
    /// which is most of its work for the short statements of a request. Queries differ only in
    /// their binds, so a connection sees few distinct texts; past ``preparedCapacity`` they are
    /// deallocated and the cache starts again.
    /// ``PQBinaryEncodable`` binds travel in binary format; `binaryResults` asks for every column in binary.
    func exec(
        _ query: Query, accept: [ExecStatusType] = [PGRES_COMMAND_OK, PGRES_TUPLES_OK],
        binaryResults: Bool = false
    ) throws -> OpaquePointer {
        try checkUsable()
        logger.trace("pq query", metadata: ["pq.query": "\(query.sql)", "pq.binds": "\(query.binds.count)"])
        let count = Int32(query.binds.count)
        let resultFormat: Int32 = binaryResults ? 1 : 0
        let name = try preparedName(query.sql, parameters: query.binds.count)
        let result = withParameters(query.binds) { values, lengths, formats in
            if let name {
                PQexecPrepared(handle, name, count, values, lengths, formats, resultFormat)
            } else {
                PQexecParams(handle, query.sql, count, nil, values, lengths, formats, resultFormat)
            }
        }
        do {
            return try check(result, sql: query.sql, accept: accept)
        } catch let error as PQError where name != nil && error.code == .featureNotSupported {
            // "cached plan must not change result type": a table the statement reads changed
            // shape (a migration while serving). This connection's prepared statements are
            // stale; the pool replaces it, and the next connection prepares them afresh.
            mustDiscard = true
            throw error
        }
    }

    /// The name `sql` is prepared under on this connection, preparing it first if needed; nil
    /// inside a failed transaction, where the server refuses everything but a rollback anyway.
    private func preparedName(_ sql: String, parameters: Int) throws -> String? {
        if let name = preparedStatements[sql] { return name }
        guard PQtransactionStatus(handle) != PQTRANS_INERROR else { return nil }
        if preparedStatements.count >= Self.preparedCapacity {
            try execute(script: "DEALLOCATE ALL")
            preparedStatements.removeAll()
        }
        let name = "ts_\(preparedStatements.count)"
        PQclear(try check(PQprepare(handle, name, sql, Int32(parameters), nil), sql: sql, accept: [PGRES_COMMAND_OK]))
        preparedStatements[sql] = name
        return name
    }

    /// Sends `query` with `PQsendQueryParams` without waiting for the result.
    func send(_ query: Query) throws {
        let count = Int32(query.binds.count)
        let sent = withParameters(query.binds) { values, lengths, formats in
            PQsendQueryParams(handle, query.sql, count, nil, values, lengths, formats, 0)
        }
        guard sent == 1 else { throw connectionError(sql: query.sql) }
    }

    /// Returns `result` if its status is accepted; otherwise clears it and throws the matching error.
    func check(_ result: OpaquePointer?, sql: String?, accept: [ExecStatusType]) throws -> OpaquePointer {
        guard let result else { throw connectionError(sql: sql) }
        let status = PQresultStatus(result)
        if accept.contains(status) { return result }
        if status == PGRES_COPY_IN || status == PGRES_COPY_OUT || status == PGRES_COPY_BOTH {
            PQclear(result)
            // The server now expects COPY data; the connection cannot be reused safely.
            mustDiscard = true
            throw PQError(kind: .copy, message: "COPY statements must run through copyIn or copyOut", sql: sql)
        }
        let error = makeError(result: result, sql: sql)
        PQclear(result)
        // A failed PQexec* may leave results queued only in unusual cases (e.g. COPY); drain them.
        drainResults()
        throw error
    }

    /// Builds a ``PQError`` from a failed result, classifying it and marking the connection for discard when needed.
    func makeError(result: OpaquePointer, sql: String?) -> PQError {
        func field(_ code: Character) -> String? {
            guard let pointer = PQresultErrorField(result, Int32(code.asciiValue!)) else { return nil }
            return String(cString: pointer)
        }
        let code = field("C").map(SQLState.init(rawValue:))
        var message = field("M") ?? String(cString: PQresultErrorMessage(result)).trimmingTrailingNewlines()
        if message.isEmpty {
            message = String(cString: PQerrorMessage(handle)).trimmingTrailingNewlines()
        }
        let kind: PQError.Kind
        if PQstatus(handle) != CONNECTION_OK || code?.isConnectionError == true || (code == .readOnlySQLTransaction && serverIsReadOnly) {
            mustDiscard = true
            kind = .connection
        } else if code == .queryCanceled, cancelToken?.isCancelled == true {
            kind = .cancelled
        } else {
            kind = .server
        }
        let error = PQError(
            kind: kind, code: code, message: message, detail: field("D"), hint: field("H"),
            constraint: field("n"), table: field("t"), column: field("c"), schema: field("s"), sql: sql
        )
        logger.debug("pq error", metadata: ["pq.error": "\(error)"])
        return error
    }

    /// Whether the server refuses writes for every session (a standby, or
    /// `default_transaction_read_only` on), as the server last reported (PostgreSQL 14 and later
    /// report both). A 25006 from such a server means the connection reached, or was left on, a
    /// server that is not a primary (a demoted one after a failover): the connection is
    /// replaced rather than reused. A 25006 from a primary is a write inside a READ ONLY
    /// transaction, a bug in the caller, and stays a server error.
    var serverIsReadOnly: Bool {
        func parameter(_ name: String) -> String? {
            PQparameterStatus(handle, name).map { String(cString: $0) }
        }
        return parameter("in_hot_standby") == "on" || parameter("default_transaction_read_only") == "on"
    }

    /// A connection-level error from `PQerrorMessage`.
    func connectionError(sql: String?) -> PQError {
        let message = String(cString: PQerrorMessage(handle)).trimmingTrailingNewlines()
        if PQstatus(handle) != CONNECTION_OK { mustDiscard = true }
        return PQError(kind: .connection, message: message.isEmpty ? "connection error" : message, sql: sql)
    }

    func connectionLost(sql: String?) -> PQError {
        mustDiscard = true
        let message = String(cString: PQerrorMessage(handle)).trimmingTrailingNewlines()
        return PQError(kind: .connection, message: message.isEmpty ? "connection lost" : message, sql: sql)
    }

    /// Discards all pending results.
    func drainResults() {
        while let result = PQgetResult(handle) {
            let status = PQresultStatus(result)
            PQclear(result)
            if status == PGRES_COPY_IN || status == PGRES_COPY_OUT || status == PGRES_COPY_BOTH {
                // Cannot drain a COPY state here; the connection is unusable for the pool.
                mustDiscard = true
                return
            }
        }
    }

    /// Asks the server to cancel the running statement (a separate connection, `PQcancel`).
    func cancelRunningStatement() {
        guard let cancel = PQgetCancel(handle) else { return }
        defer { PQfreeCancel(cancel) }
        var buffer = [CChar](repeating: 0, count: 256)
        _ = PQcancel(cancel, &buffer, Int32(buffer.count))
    }

    static func affectedRows(_ result: OpaquePointer) -> Int {
        guard let text = PQcmdTuples(result) else { return 0 }
        return Int(String(cString: text)) ?? 0
    }
}

/// Holds the logger for libpq's notice receiver callback.
private final class NoticeBox {
    let logger: Logger
    /// Set when the server reported a FATAL/PANIC outside a query (the backend is going away).
    var sawFatal = false
    init(logger: Logger) { self.logger = logger }
}

/// Calls `body` with a C array of C strings (copies freed afterwards).
/// - Parameter terminated: Whether to append a trailing NULL pointer (keyword arrays need it).
func withCStringArray<R>(
    _ strings: [String?], terminated: Bool = true, _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> R
) -> R {
    var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { $0.flatMap { strdup($0) } }
    if terminated { pointers.append(nil) }
    defer { for pointer in pointers { free(pointer) } }
    let constPointers = pointers.map { UnsafePointer($0) }
    return constPointers.withUnsafeBufferPointer { buffer in
        body(buffer.baseAddress)
    }
}

func withCStringArray<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> R) -> R {
    withCStringArray(strings.map { Optional($0) }, terminated: true, body)
}
