import CLibPQ

/// Owns one `PGresult*` and clears it when the last row referencing it goes away.
///
/// Sendable: a `PGresult` is read-only once libpq has returned it and belongs to no
/// connection (libpq's documentation: it may be passed between threads freely), and this
/// class holds nothing mutable.
final class ResultStorage: @unchecked Sendable {
    let result: OpaquePointer
    let columns: [String]
    let rowCount: Int

    init(_ result: OpaquePointer) {
        self.result = result
        let fields = Int(PQnfields(result))
        self.columns = (0..<fields).map { String(cString: PQfname(result, Int32($0))) }
        self.rowCount = Int(PQntuples(result))
    }

    deinit {
        PQclear(result)
    }

    func isNull(row: Int, column: Int) -> Bool {
        PQgetisnull(result, Int32(row), Int32(column)) == 1
    }

    func text(row: Int, column: Int) -> String? {
        if isNull(row: row, column: column) { return nil }
        let length = Int(PQgetlength(result, Int32(row), Int32(column)))
        guard let pointer = PQgetvalue(result, Int32(row), Int32(column)) else { return nil }
        return pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
            String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
        }
    }
}

/// All rows of a result, in order: a read-only copy that outlives the statement and may be
/// decoded on any thread (several rows at once, as a batch decodes a chunk on every core).
public struct PQRows: RandomAccessCollection, Sendable {
    let storage: ResultStorage

    /// The column names, in result order.
    public var columns: [String] { storage.columns }
    /// The rows the statement affected (`INSERT`/`UPDATE`/`DELETE`/…), 0 when none.
    public var affectedRows: Int { PQConnection.affectedRows(storage.result) }
    public var startIndex: Int { 0 }
    public var endIndex: Int { storage.rowCount }

    public subscript(position: Int) -> PQRow {
        precondition(position >= 0 && position < storage.rowCount, "row index out of range")
        return PQRow(storage: storage, index: position)
    }
}

/// One result row. Columns are addressed by zero-based index or by exact name.
public struct PQRow: Sendable {
    let storage: ResultStorage
    let index: Int

    /// The column names, in result order.
    public var columns: [String] { storage.columns }

    /// The raw text of a column, or `nil` for `NULL`.
    /// - Parameter column: Zero-based column index.
    public func text(_ column: Int) throws -> String? {
        try checkColumn(column)
        return storage.text(row: index, column: column)
    }

    /// Whether a column is `NULL`.
    /// - Parameter column: Zero-based column index.
    public func isNull(_ column: Int) throws -> Bool {
        try checkColumn(column)
        return storage.isNull(row: index, column: column)
    }

    /// Decodes a non-null column.
    /// - Parameters:
    ///   - column: Zero-based column index.
    ///   - type: The Swift type to decode.
    /// - Throws: ``PQError`` of kind `.decoding` naming the column (and the value) on `NULL` or bad text.
    public func decode<T: PQDecodable>(_ column: Int, as type: T.Type = T.self) throws -> T {
        guard let text = try text(column) else {
            throw PQError(kind: .decoding, message: "column \(name(column)) is NULL; cannot decode as \(T.self)", column: storage.columns[column])
        }
        do {
            return try T(pqText: text)
        } catch let error as PQError {
            throw PQError(kind: .decoding, message: "column \(name(column)): \(error.message)", column: storage.columns[column])
        }
    }

    /// Decodes a nullable column: `nil` for `NULL`.
    /// - Parameters:
    ///   - column: Zero-based column index.
    ///   - type: The optional Swift type to decode, such as `String?.self`.
    public func decode<T: PQDecodable>(_ column: Int, as type: T?.Type) throws -> T? {
        if try isNull(column) { return nil }
        return try decode(column, as: T.self)
    }

    /// Decodes a non-null column by name (exact, case-sensitive match of the result column name).
    public func decode<T: PQDecodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        try decode(requireIndex(column), as: T.self)
    }

    /// Decodes a nullable column by name: `nil` for `NULL`.
    public func decode<T: PQDecodable>(_ column: String, as type: T?.Type) throws -> T? {
        try decode(requireIndex(column), as: T?.self)
    }

    private func requireIndex(_ name: String) throws -> Int {
        guard let position = storage.columns.firstIndex(of: name) else {
            throw PQError(kind: .decoding, message: "no column named \"\(name)\" in result (\(storage.columns.joined(separator: ", ")))")
        }
        return position
    }

    private func checkColumn(_ column: Int) throws {
        guard column >= 0, column < storage.columns.count else {
            throw PQError(kind: .decoding, message: "column index \(column) out of range (\(storage.columns.count) columns)")
        }
    }

    private func name(_ column: Int) -> String {
        "\(column) (\"\(storage.columns[column])\")"
    }
}
