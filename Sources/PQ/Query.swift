/// A SQL statement with its bind parameters.
///
/// Interpolated values become parameters (`$1`, `$2`, …), never SQL text:
///
/// ```swift
/// let q: Query = "SELECT name FROM outlet WHERE tenant_id = \(tenantID) AND code = ANY(\(codes)::text[])"
/// // sql: "SELECT name FROM outlet WHERE tenant_id = $1 AND code = ANY($2::text[])"
/// ```
///
/// Parameters are sent in text format (a ``PQBinaryEncodable`` such as ``PQBytes`` or ``PQTextArray`` in binary), bound to the statement prepared for the SQL text
/// (``PQConnection`` prepares each distinct text once). Raw SQL is reachable only through
/// ``init(unsafeSQL:binds:)`` and ``StringInterpolation/appendInterpolation(unsafeRaw:)``.
public struct Query: Sendable, ExpressibleByStringInterpolation, CustomStringConvertible {
    /// The SQL text with `$n` placeholders.
    public var sql: String
    /// The parameters, in `$n` order; `nil` is SQL `NULL`.
    public var binds: [(any PQEncodable)?]

    /// Creates a query from raw SQL and explicit binds. The SQL must not contain untrusted text.
    /// - Parameters:
    ///   - unsafeSQL: SQL text with `$1…$n` placeholders.
    ///   - binds: The parameter values, in placeholder order.
    public init(unsafeSQL: String, binds: [(any PQEncodable)?] = []) {
        self.sql = unsafeSQL
        self.binds = binds
    }

    public init(stringLiteral value: String) {
        self.init(unsafeSQL: value)
    }

    public init(stringInterpolation: StringInterpolation) {
        self.init(unsafeSQL: stringInterpolation.sql, binds: stringInterpolation.binds)
    }

    /// The SQL text only (never the bind values).
    public var description: String { sql }

    /// Builds a ``Query`` from a string literal with interpolated parameters.
    public struct StringInterpolation: StringInterpolationProtocol {
        var sql: String
        var binds: [(any PQEncodable)?]

        public init(literalCapacity: Int, interpolationCount: Int) {
            sql = ""
            sql.reserveCapacity(literalCapacity + interpolationCount * 3)
            binds = []
            binds.reserveCapacity(interpolationCount)
        }

        public mutating func appendLiteral(_ literal: String) {
            sql.append(literal)
        }

        /// Appends `value` as the next bind parameter and `$n` to the SQL.
        public mutating func appendInterpolation<Value: PQEncodable>(_ value: Value) {
            binds.append(value)
            sql.append("$\(binds.count)")
        }

        /// Appends an optional value as the next bind parameter (`nil` binds SQL `NULL`).
        public mutating func appendInterpolation<Value: PQEncodable>(_ value: Value?) {
            binds.append(value)
            sql.append("$\(binds.count)")
        }

        /// Splices in another query: its SQL, with its placeholders renumbered after the binds so
        /// far, and its binds (`"WITH r AS (\(fragment: rows)) SELECT … WHERE x = \(x)"`).
        public mutating func appendInterpolation(fragment: Query) {
            sql.append(PlaceholderRenumbering.shift(fragment.sql, by: binds.count))
            binds.append(contentsOf: fragment.binds)
        }

        /// Appends raw SQL text, such as a trusted identifier. Never pass user input here.
        public mutating func appendInterpolation(unsafeRaw sqlText: String) {
            sql.append(sqlText)
        }
    }
}

extension Query {
    /// The same query with its parameters already in the form libpq sends (text, or binary for a
    /// ``PQBinaryEncodable``): the encoding is done now, e.g. while another statement executes
    /// (``PQConnection/execute(_:while:)``), and sending the query no longer does it.
    public var encoded: Query {
        Query(
            unsafeSQL: sql,
            binds: binds.map { bind -> (any PQEncodable)? in
                if let binary = bind as? any PQBinaryEncodable { return PQBytes(binary.pqBinary) }
                return bind.flatMap(\.pqText)
            })
    }
}
