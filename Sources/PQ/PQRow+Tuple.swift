/// A type one column decodes into: any ``PQDecodable`` (a `NULL` is an error) or an `Optional` of
/// one (a `NULL` is `nil`). What ``PQRow/decode(_:)`` reads, column by column.
public protocol PQColumnDecodable {
    /// Decodes column `column` of `row`.
    static func decode(_ row: PQRow, column: Int) throws -> Self
}

extension PQDecodable {
    public static func decode(_ row: PQRow, column: Int) throws -> Self {
        try row.decode(column, as: Self.self)
    }
}

extension Optional: PQColumnDecodable where Wrapped: PQDecodable {
    public static func decode(_ row: PQRow, column: Int) throws -> Self {
        try row.decode(column, as: Wrapped?.self)
    }
}

/// A value built from a whole row, for ``PQRows/decode(_:)`` and ``PQConnection/query(_:as:)``.
public protocol PQRowDecodable {
    init(row: PQRow) throws
}

extension PQRow {
    /// Decodes the row's columns, in order, into a tuple of the given types, in one call:
    ///
    /// ```swift
    /// let (code, name, closedOn) = try row.decode((String, String, CivilDate?).self)
    /// ```
    ///
    /// The result may have more columns than the tuple; the extra ones are ignored.
    /// - Throws: ``PQError`` of kind `.decoding` naming the column that did not fit.
    public func decode<each Column: PQColumnDecodable>(_ types: (repeat each Column).Type) throws -> (repeat each Column) {
        var column = 0
        func next<C: PQColumnDecodable>(_: C.Type) throws -> C {
            defer { column += 1 }
            return try C.decode(self, column: column)
        }
        return (repeat try next((each Column).self))
    }
}

extension PQRows {
    /// Every row decoded into a tuple of the given types (see ``PQRow/decode(_:)``).
    public func decode<each Column: PQColumnDecodable>(_ types: (repeat each Column).Type) throws -> [(repeat each Column)] {
        try map { try $0.decode(types) }
    }

    /// Every row decoded into `type`.
    public func decode<Row: PQRowDecodable>(_ type: Row.Type) throws -> [Row] {
        try map { try Row(row: $0) }
    }
}

extension PQConnection {
    /// Runs `query` and decodes every row into `type`.
    public func query<Row: PQRowDecodable>(_ query: Query, as type: Row.Type) throws -> [Row] {
        try self.query(query).decode(type)
    }

    /// Runs `query` and decodes every row into a tuple of the given types.
    public func query<each Column: PQColumnDecodable>(_ query: Query, as types: (repeat each Column).Type) throws -> [(repeat each Column)] {
        try self.query(query).decode(types)
    }
}
