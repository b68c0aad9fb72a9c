public import Foundation

/// A `text[]` parameter in binary format: each element's UTF-8 bytes behind its length, so
/// neither side quotes, escapes or scans the text. For long elements with quotes and
/// backslashes (JSON documents) the text literal `{"…"}` costs both sides a pass over every
/// byte; bind it with the `::text[]` cast as any array:
///
/// ```swift
/// try conn.execute("INSERT INTO docs (body) SELECT unnest(\(PQTextArray(bodies))::text[])")
/// ```
public struct PQTextArray: PQBinaryEncodable {
    /// The elements; nil is SQL `NULL`.
    public var elements: [String?]

    /// - Parameter elements: the elements; nil is SQL `NULL`.
    public init(_ elements: [String?]) {
        self.elements = elements
    }

    /// - Parameter elements: the elements.
    public init(_ elements: [String]) {
        self.elements = elements
    }

    /// The `text` type's OID, which the binary form names for its elements.
    private static let textOID: UInt32 = 25

    /// PostgreSQL's binary array form (`array_send`): dimensions, a null flag, the element type,
    /// the length and lower bound of the one dimension (none for an empty array), then each
    /// element as its length (-1 for NULL) and its bytes; integers big-endian.
    public var pqBinary: Data {
        var out = [UInt8]()
        out.reserveCapacity(20 + elements.reduce(0) { $0 + 4 + ($1?.utf8.count ?? 0) })
        func append(_ value: UInt32) {
            withUnsafeBytes(of: value.bigEndian) { out.append(contentsOf: $0) }
        }
        append(elements.isEmpty ? 0 : 1)
        append(elements.contains { $0 == nil } ? 1 : 0)
        append(Self.textOID)
        if !elements.isEmpty {
            append(UInt32(elements.count))
            append(1)
        }
        for element in elements {
            guard let element else {
                append(UInt32(bitPattern: -1))
                continue
            }
            var text = element
            text.withUTF8 { bytes in
                append(UInt32(bytes.count))
                out.append(contentsOf: bytes)
            }
        }
        return Data(out)
    }

    /// The text literal, where a statement cannot take binary parameters.
    public var pqText: String? { elements.pqText }
}
