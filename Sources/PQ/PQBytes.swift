import CLibPQ
public import Foundation

/// A parameter libpq sends in binary format (`paramFormats = 1`): ``pqBinary`` is the value in
/// PostgreSQL's binary wire form for the placeholder's type; ``PQEncodable/pqText`` serves
/// where a statement cannot take binary parameters.
public protocol PQBinaryEncodable: PQEncodable {
    /// The value in PostgreSQL's binary format.
    var pqBinary: Data { get }
}

/// Bytes bound as a binary-format parameter, for a `bytea` placeholder: libpq sends them as
/// they are, with no hex text and no copy into a `String`.
///
/// ```swift
/// try conn.execute("UPDATE files SET content = \(PQBytes(data)) WHERE id = \(id)")
/// ```
public struct PQBytes: PQBinaryEncodable {
    /// The bytes to send.
    public var data: Data

    /// - Parameter data: the bytes to send.
    public init(_ data: Data) {
        self.data = data
    }

    /// The hex text form, used only where a statement cannot take binary parameters.
    public var pqText: String? { data.pqText }

    public var pqBinary: Data { data }
}

extension PQConnection {
    /// Runs a query and returns its first row's first column in binary format (a `bytea`
    /// column's raw bytes, no hex), or nil when there is no row or the value is `NULL`.
    public func queryBytes(_ query: Query) throws -> Data? {
        let result = try exec(query, binaryResults: true)
        defer { PQclear(result) }
        guard PQntuples(result) > 0, PQnfields(result) > 0, PQgetisnull(result, 0, 0) == 0 else { return nil }
        let length = Int(PQgetlength(result, 0, 0))
        guard let value = PQgetvalue(result, 0, 0) else { return nil }
        return Data(bytes: value, count: length)
    }
}

/// The binds of a query as libpq's parallel arrays: values, lengths and formats (1 for a
/// ``PQBinaryEncodable``, 0 for text). The pointers are valid only inside `body`.
func withParameters<R>(
    _ binds: [(any PQEncodable)?],
    _ body: (_ values: UnsafePointer<UnsafePointer<CChar>?>?, _ lengths: UnsafePointer<Int32>?, _ formats: UnsafePointer<Int32>?) -> R
) -> R {
    // Empty bytes go as text ("\\x"): a binary value needs a non-null pointer.
    let binary = binds.map { ($0 as? any PQBinaryEncodable).map(\.pqBinary).flatMap { $0.isEmpty ? nil : $0 } }
    guard binary.contains(where: { $0 != nil }) else {
        return withCStringArray(binds.map { $0?.pqText }, terminated: false) { body($0, nil, nil) }
    }
    let texts = zip(binds, binary).map { bind, bytes in bytes == nil ? bind?.pqText : nil }
    let formats: [Int32] = binary.map { $0 == nil ? 0 : 1 }
    let lengths: [Int32] = binary.map { Int32(clamping: $0?.count ?? 0) }
    return withCStringArray(texts, terminated: false) { textValues in
        withBytePointers(binary.compactMap { $0 }[...], []) { pointers in
            var next = pointers.makeIterator()
            var values: [UnsafePointer<CChar>?] = (0..<binds.count).map { textValues?[$0] }
            for index in values.indices where binary[index] != nil {
                values[index] = next.next()?.baseAddress?.assumingMemoryBound(to: CChar.self)
            }
            return values.withUnsafeBufferPointer { v in
                lengths.withUnsafeBufferPointer { l in formats.withUnsafeBufferPointer { f in body(v.baseAddress, l.baseAddress, f.baseAddress) } }
            }
        }
    }
}

/// Calls `body` with a pointer to each `Data`'s bytes, in order, without copying them.
private func withBytePointers<R>(_ datas: ArraySlice<Data>, _ done: [UnsafeRawBufferPointer], _ body: ([UnsafeRawBufferPointer]) -> R) -> R {
    guard let first = datas.first else { return body(done) }
    return first.withUnsafeBytes { withBytePointers(datas.dropFirst(), done + [$0], body) }
}
