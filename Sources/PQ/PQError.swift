/// An error from the PQ module: a server error with its SQLSTATE and diagnostic fields, or a
/// connection, pool, cancellation, decoding or COPY failure.
///
/// `description` shows the kind, the SQLSTATE and the primary message only. Details that can carry
/// data values (the DETAIL field, the SQL text) appear only in `debugDescription`
/// (`String(reflecting: error)`), which is meant for logs at error level, not for clients.
public struct PQError: Error, CustomStringConvertible, CustomDebugStringConvertible {
    /// What went wrong, broadly.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The server rejected a statement; see ``PQError/code``.
        public static let server = Kind("server")
        /// Connecting failed or the connection was lost.
        public static let connection = Kind("connection")
        /// No connection became free within the pool's acquire timeout, or too many callers were waiting.
        public static let poolTimeout = Kind("poolTimeout")
        /// The pool is closed.
        public static let poolClosed = Kind("poolClosed")
        /// The task was cancelled; a running statement was cancelled on the server.
        public static let cancelled = Kind("cancelled")
        /// A column value could not be decoded to the requested Swift type.
        public static let decoding = Kind("decoding")
        /// A COPY failed on the client side (the producer or consumer threw, or data could not be sent).
        public static let copy = Kind("copy")
    }

    /// What went wrong, broadly.
    public var kind: Kind
    /// The SQLSTATE the server sent, if any.
    public var code: SQLState?
    /// The primary message.
    public var message: String
    /// The server's DETAIL field (may contain data values).
    public var detail: String?
    /// The server's HINT field.
    public var hint: String?
    /// The violated constraint, for integrity errors.
    public var constraint: String?
    /// The table involved, if the server named one.
    public var table: String?
    /// The column involved, if the server named one.
    public var column: String?
    /// The schema involved, if the server named one.
    public var schema: String?
    /// The SQL text of the failing statement (shown in `debugDescription` only).
    public var sql: String?
    /// For connection failures: whether a connection was never made, or the transaction's
    /// `COMMIT` was sent when the connection failed (its outcome is unknown). `nil` otherwise:
    /// a statement failed before any commit, so nothing it did was committed.
    public var stage: Stage?

    /// Where a connection-level failure happened, which decides whether running the work again
    /// is safe (``PQPool/withTransaction(isolation:readOnly:settings:_:)`` sets `.commit`).
    public enum Stage: Sendable, Hashable {
        /// No connection could be opened (no server, or none that accepts the session attributes asked for).
        case connecting
        /// The connection failed while `COMMIT` was in flight: the transaction may or may not have committed.
        case commit
    }

    /// Creates an error.
    public init(
        kind: Kind, code: SQLState? = nil, message: String, detail: String? = nil, hint: String? = nil,
        constraint: String? = nil, table: String? = nil, column: String? = nil, schema: String? = nil,
        sql: String? = nil
    ) {
        self.kind = kind
        self.code = code
        self.message = message
        self.detail = detail
        self.hint = hint
        self.constraint = constraint
        self.table = table
        self.column = column
        self.schema = schema
        self.sql = sql
    }

    public var description: String {
        if let code {
            return "PQError.\(kind) [\(code)]: \(message)"
        }
        return "PQError.\(kind): \(message)"
    }

    public var debugDescription: String {
        var parts = [description]
        if let detail { parts.append("detail: \(detail)") }
        if let hint { parts.append("hint: \(hint)") }
        if let schema { parts.append("schema: \(schema)") }
        if let table { parts.append("table: \(table)") }
        if let column { parts.append("column: \(column)") }
        if let constraint { parts.append("constraint: \(constraint)") }
        if let sql { parts.append("sql: \(sql)") }
        return parts.joined(separator: "; ")
    }
}
