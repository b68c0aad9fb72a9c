public import Logging
import NIOPosix
public import ServiceLifecycle

/// A bounded pool of PostgreSQL connections whose blocking libpq calls run on a dedicated thread pool.
///
/// ```swift
/// let pool = PQPool(configuration: try PQConfiguration(conninfo: url), logger: logger)
/// let names = try await pool.withConnection { conn in
///     try conn.query("SELECT name FROM outlet WHERE tenant_id = \(tenant)").map { try $0.decode(0, as: String.self) }
/// }
/// ```
///
/// Thread safety: `PQPool` is `Sendable`; call it from any task. A leased ``PQConnection`` belongs to the
/// closure it is passed to, which runs on one of the pool's threads (`NIOThreadPool` with one thread per
/// connection), so libpq never blocks Swift's cooperative pool. The closure must not capture the connection.
///
/// Lifecycle: the pool works as soon as it is created. Run it as a `ServiceLifecycle.Service` (``run()``
/// closes it on graceful shutdown or cancellation), or call ``close()`` yourself (CLI one-shots).
///
/// Waiters are served first in, first out. Broken connections (lost, SQLSTATE class 08 or `57P0x`, or a
/// 25006 from a server that has become read-only, such as a primary demoted by a failover) are
/// discarded and replaced on the next lease; a connection is never returned mid-transaction.
/// Connections use TCP keepalives and `tcp_user_timeout` unless the configuration sets its own, so a
/// server that vanished is noticed in about 30 s rather than hours.
public final class PQPool: Sendable, Service {
    /// The connection parameters.
    public let configuration: PQConfiguration
    /// The tuning options.
    public let options: Options
    let logger: Logger
    let threadPool: NIOThreadPool
    private let setupSQL: String
    let state: Locked<State>

    /// Creates a pool and starts its thread pool. Connections are opened lazily, on first use.
    /// - Parameters:
    ///   - configuration: libpq connection parameters.
    ///   - options: Pool size and timeouts.
    ///   - logger: Receives debug/trace messages only (never passwords or bind values).
    public init(configuration: PQConfiguration, options: Options = Options(), logger: Logger) {
        self.configuration = configuration
        self.options = options
        self.logger = logger
        self.threadPool = NIOThreadPool(numberOfThreads: options.maxConnections)
        // No JIT: PostgreSQL compiles any statement whose estimate passes jit_above_cost, ~0.1 s
        // each on these machines, longer than most of ours then run (an import emitting a few
        // thousand events one statement at a time spent its 25 minutes compiling).
        var setup = "SET TimeZone TO 'UTC'; SET DateStyle TO 'ISO, MDY'; SET IntervalStyle TO 'iso_8601'; SET jit TO off"
        if let timeout = options.statementTimeout {
            setup += "; SET statement_timeout TO \(max(1, timeout.milliseconds))"
        }
        self.setupSQL = setup
        self.state = Locked(State())
        threadPool.start()
    }

    /// Convenience: a pool with `maxConnections` and otherwise default options.
    public convenience init(configuration: PQConfiguration, maxConnections: Int, logger: Logger) {
        self.init(configuration: configuration, options: Options(maxConnections: maxConnections), logger: logger)
    }

    deinit {
        let needsShutdown = state.withLock { !$0.threadPoolShutDown }
        if needsShutdown {
            threadPool.shutdownGracefully { _ in }
        }
    }

    /// Counts for metrics: connections in use, idle, callers waiting, and the maximum.
    public var statistics: PoolStatistics {
        state.withLock { s in
            PoolStatistics(inUse: s.inUse, idle: s.idle.count, waiting: s.waiters.count, max: options.maxConnections)
        }
    }

    // MARK: Leasing

    /// Leases a connection, runs `body` with it on the pool's thread pool, and returns the connection.
    ///
    /// `body` runs on a dedicated thread and may block. It must not capture the connection or anything
    /// derived from it. If the task is cancelled while `body` runs, the running statement is cancelled on
    /// the server (`PQcancel`) and later statements throw ``PQError/Kind-swift.struct/cancelled``.
    /// If `body` leaves a transaction open, it is rolled back before the connection is reused.
    /// - Parameter body: The work to do with the connection.
    /// - Returns: What `body` returns.
    /// - Throws: What `body` throws, or ``PQError`` (`poolTimeout`, `poolClosed`, `connection`, `cancelled`).
    @discardableResult
    public func withConnection<T: Sendable>(_ body: @escaping @Sendable (PQConnection) throws -> T) async throws -> T {
        try await lease(body)
    }

    /// Runs `body` inside a transaction: `BEGIN`, `set_config(key, value, true)` for each setting, `body`,
    /// then `COMMIT`; `ROLLBACK` if anything throws or the task is cancelled.
    ///
    /// Settings are transaction-local, like `SET LOCAL` (for row-level security: `[("app.tenant_id", id)]`).
    /// - Parameters:
    ///   - isolation: The isolation level. Default read committed.
    ///   - readOnly: Whether to start a `READ ONLY` transaction.
    ///   - settings: Configuration parameters to set for the transaction only.
    ///   - body: The work to do inside the transaction.
    /// - Returns: What `body` returns, after a successful commit.
    @discardableResult
    public func withTransaction<T: Sendable>(
        isolation: IsolationLevel = .readCommitted,
        readOnly: Bool = false,
        settings: [(String, String)] = [],
        _ body: @escaping @Sendable (PQConnection) throws -> T
    ) async throws -> T {
        let begin = "BEGIN ISOLATION LEVEL \(isolation.rawValue)\(readOnly ? " READ ONLY" : "")"
        let settings = UnsafeTransfer(value: settings)
        return try await lease { conn in
            try conn.execute(Query(unsafeSQL: begin))
            do {
                if !settings.value.isEmpty {
                    // One round trip for all of them: SELECT set_config($1, $2, true), set_config($3, $4, true), …
                    let calls = settings.value.indices.map { "set_config($\(2 * $0 + 1), $\(2 * $0 + 2), true)" }
                    _ = try conn.query(
                        Query(
                            unsafeSQL: "SELECT " + calls.joined(separator: ", "),
                            binds: settings.value.flatMap { [$0.0, $0.1] as [(any PQEncodable)?] }))
                }
                let result = try body(conn)
                if conn.transactionFailed {
                    throw PQError(
                        kind: .server, code: "25P02",
                        message: "current transaction is aborted (an error inside the transaction was caught); rolled back")
                }
                do {
                    try conn.execute("COMMIT")
                } catch var error as PQError where error.kind == .connection {
                    // The COMMIT may have reached the server before the connection failed.
                    error.stage = .commit
                    throw error
                }
                return result
            } catch {
                conn.rollbackIfInTransaction()
                throw error
            }
        }
    }

    /// Checks that the database answers (`SELECT 1`), for readiness probes.
    public func ping() async throws {
        try await withConnection { conn in
            _ = try conn.execute("SELECT 1")
        }
    }

    private func lease<T: Sendable>(_ body: @escaping @Sendable (PQConnection) throws -> T) async throws -> T {
        let slot = try await acquire()
        let token = CancelToken()
        let configuration = self.configuration
        let setupSQL = self.setupSQL
        let connectTimeout = options.connectTimeout.wholeSecondsRoundedUp
        let logger = self.logger
        let outcome: LeaseOutcome<T>
        do {
            outcome = try await withTaskCancellationHandler {
                try await threadPool.runIfActive {
                    Self.runLease(
                        slot: slot, token: token, body: body, configuration: configuration,
                        connectTimeout: connectTimeout, setupSQL: setupSQL, logger: logger)
                }
            } onCancel: {
                token.cancel()
            }
        } catch {
            // The closure never ran: the slot is untouched.
            switch slot {
            case .connection(let connection): await release(connection.value)
            case .create: await release(nil)
            }
            if error is CancellationError {
                throw PQError(kind: .cancelled, message: "the task was cancelled before it got a connection")
            }
            throw PQError(kind: .poolClosed, message: "the pool is closed")
        }
        await release(outcome.connection?.value)
        return try outcome.result.get()
    }

    /// Runs on a pool thread: opens or checks the connection, runs the body, and cleans up.
    private static func runLease<T>(
        slot: Slot, token: CancelToken, body: (PQConnection) throws -> T, configuration: PQConfiguration,
        connectTimeout: Int, setupSQL: String, logger: Logger
    ) -> LeaseOutcome<T> {
        let connection: PQConnection
        do {
            switch slot {
            case .connection(let idle):
                if idle.value.probeAlive() {
                    connection = idle.value
                } else {
                    logger.debug("pq replacing a dead idle connection")
                    idle.value.close()
                    connection = try PQConnection.connect(
                        configuration: configuration, connectTimeoutSeconds: connectTimeout, setupSQL: setupSQL,
                        logger: logger)
                }
            case .create:
                connection = try PQConnection.connect(
                    configuration: configuration, connectTimeoutSeconds: connectTimeout, setupSQL: setupSQL,
                    logger: logger)
            }
        } catch {
            return LeaseOutcome(result: .failure(error), connection: nil)
        }
        connection.cancelToken = token
        let result: Result<T, any Error>
        if token.attach(connection) {
            result = Result { try body(connection) }
        } else {
            result = .failure(PQError(kind: .cancelled, message: "the task was cancelled"))
        }
        token.detach()
        connection.cancelToken = nil
        connection.rollbackIfInTransaction()
        guard connection.isReusable else {
            logger.debug("pq discarding connection", metadata: ["pq.backend_pid": "\(connection.backendPID)"])
            connection.close()
            return LeaseOutcome(result: result, connection: nil)
        }
        return LeaseOutcome(result: result, connection: UnsafeTransfer(value: connection))
    }

    // MARK: Lifecycle

    /// Runs until graceful shutdown or cancellation, then closes the pool.
    public func run() async throws {
        try? await gracefulShutdown()
        await close()
    }

    /// Closes the pool: fails waiting callers with `poolClosed`, waits for leased connections to come back,
    /// closes every connection (`PQfinish`) and shuts down the thread pool. Idempotent.
    public func close() async {
        let (waiters, idle, mustWait, shutDownThreads) = state.withLock { s in
            s.closed = true
            let waiters = s.waiters
            s.waiters.removeAll()
            let idle = s.idle
            s.idle.removeAll()
            let shutDown = !s.threadPoolShutDown
            s.threadPoolShutDown = true
            return (waiters, idle, s.inUse > 0, shutDown)
        }
        for waiter in waiters {
            waiter.continuation.resume(throwing: PQError(kind: .poolClosed, message: "the pool was closed"))
        }
        await closeConnections(idle)
        if mustWait {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let done = state.withLock { s in
                    if s.inUse == 0 { return true }
                    s.drainWaiters.append(continuation)
                    return false
                }
                if done { continuation.resume() }
            }
        }
        if shutDownThreads {
            try? await threadPool.shutdownGracefully()
            logger.debug("pq pool closed")
        }
    }

    private func closeConnections(_ connections: [PQConnection]) async {
        guard !connections.isEmpty else { return }
        let transfer = UnsafeTransfer(value: connections)
        do {
            try await threadPool.runIfActive { for connection in transfer.value { connection.close() } }
        } catch {
            for connection in transfer.value { connection.close() }
        }
    }
}

/// What a lease's thread-pool closure hands back: the body's result and the connection if it is reusable.
private struct LeaseOutcome<T>: @unchecked Sendable {
    var result: Result<T, any Error>
    var connection: UnsafeTransfer<PQConnection>?
}
