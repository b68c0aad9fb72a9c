/// A five-character PostgreSQL SQLSTATE error code, such as `23505`.
///
/// An open set: any code the server sends is representable; the common ones have names.
/// Compare with `==` or `switch` against the static members.
public struct SQLState: Hashable, Sendable, RawRepresentable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The five-character code.
    public let rawValue: String

    /// Creates a code from its five-character text.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// Creates a code from a string literal, as in `let code: SQLState = "23505"`.
    public init(stringLiteral value: String) {
        self.rawValue = value
    }

    public var description: String { rawValue }

    /// The class: the first two characters (`"23"` for integrity constraint violations).
    public var `class`: String { String(rawValue.prefix(2)) }

    /// Whether the code means the connection is gone or unusable: class `08` (connection exception)
    /// and `57P0x` (admin shutdown, crash shutdown, cannot connect now, database dropped).
    public var isConnectionError: Bool {
        self.class == "08" || rawValue.hasPrefix("57P0")
    }

    /// 23505 unique_violation.
    public static let uniqueViolation: SQLState = "23505"
    /// 23503 foreign_key_violation.
    public static let foreignKeyViolation: SQLState = "23503"
    /// 23502 not_null_violation.
    public static let notNullViolation: SQLState = "23502"
    /// 23514 check_violation.
    public static let checkViolation: SQLState = "23514"
    /// 23P01 exclusion_violation.
    public static let exclusionViolation: SQLState = "23P01"
    /// 40001 serialization_failure.
    public static let serializationFailure: SQLState = "40001"
    /// 40P01 deadlock_detected.
    public static let deadlockDetected: SQLState = "40P01"
    /// 55P03 lock_not_available.
    public static let lockNotAvailable: SQLState = "55P03"
    /// 57014 query_canceled (cancel request or statement_timeout).
    public static let queryCanceled: SQLState = "57014"
    /// P0001 raise_exception (PL/pgSQL `RAISE EXCEPTION`).
    public static let raiseException: SQLState = "P0001"
    /// 42501 insufficient_privilege.
    public static let insufficientPrivilege: SQLState = "42501"
    /// 22P02 invalid_text_representation.
    public static let invalidTextRepresentation: SQLState = "22P02"
    /// 42P01 undefined_table.
    public static let undefinedTable: SQLState = "42P01"
    /// 25006 read_only_sql_transaction: a write in a read-only transaction, or on a standby.
    public static let readOnlySQLTransaction: SQLState = "25006"
    /// 57P01 admin_shutdown (also sent by `pg_terminate_backend`).
    public static let adminShutdown: SQLState = "57P01"
    /// 57P03 cannot_connect_now (server starting up or shutting down).
    public static let cannotConnectNow: SQLState = "57P03"
    /// feature_not_supported; among others, a prepared statement whose result columns changed.
    public static let featureNotSupported: SQLState = "0A000"
}
