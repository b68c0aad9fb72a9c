extension PQPool {
    /// Pool tuning, with documented defaults.
    public struct Options: Sendable {
        /// The most connections open at once (and the number of threads in the pool's thread pool). Default 8.
        public var maxConnections: Int
        /// How long opening one connection may take (libpq `connect_timeout`, at least 2 s). Default 10 s.
        public var connectTimeout: Duration
        /// How long a caller waits for a free connection before ``PQError/Kind-swift.struct/poolTimeout``. Default 30 s.
        public var acquireTimeout: Duration
        /// `statement_timeout` set on every connection, or `nil` to keep the server's. Default `nil`.
        public var statementTimeout: Duration?
        /// The most callers that may wait for a connection; beyond that, acquiring fails at once
        /// with ``PQError/Kind-swift.struct/poolTimeout``. Default 1024.
        public var maxWaiters: Int

        /// Creates options; every parameter has the documented default.
        public init(
            maxConnections: Int = 8,
            connectTimeout: Duration = .seconds(10),
            acquireTimeout: Duration = .seconds(30),
            statementTimeout: Duration? = nil,
            maxWaiters: Int = 1024
        ) {
            precondition(maxConnections > 0, "maxConnections must be positive")
            self.maxConnections = maxConnections
            self.connectTimeout = connectTimeout
            self.acquireTimeout = acquireTimeout
            self.statementTimeout = statementTimeout
            self.maxWaiters = maxWaiters
        }
    }

    /// Transaction isolation levels for ``PQPool/withTransaction(isolation:readOnly:settings:_:)``.
    public enum IsolationLevel: String, Sendable, CaseIterable {
        case readUncommitted = "READ UNCOMMITTED"
        case readCommitted = "READ COMMITTED"
        case repeatableRead = "REPEATABLE READ"
        case serializable = "SERIALIZABLE"
    }

    /// A snapshot of the pool for metrics.
    public struct PoolStatistics: Sendable, Hashable, CustomStringConvertible {
        /// Connections leased right now (including ones being opened for a lease).
        public var inUse: Int
        /// Open connections waiting in the pool.
        public var idle: Int
        /// Callers waiting for a connection.
        public var waiting: Int
        /// The configured maximum number of connections.
        public var max: Int

        public var description: String { "inUse=\(inUse) idle=\(idle) waiting=\(waiting) max=\(max)" }
    }
}

extension Duration {
    var wholeSecondsRoundedUp: Int {
        let (seconds, attoseconds) = components
        return Int(seconds) + (attoseconds > 0 ? 1 : 0)
    }

    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
