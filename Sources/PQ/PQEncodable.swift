import DecimalText
public import Foundation

/// A Swift value that can be sent to PostgreSQL as a bind parameter in text format.
///
/// `pqText` is the value's PostgreSQL text representation, or `nil` for SQL `NULL`.
/// Cast in SQL when the type is not obvious from context (`$1::timestamptz`, `$1::text[]`).
public protocol PQEncodable: Sendable {
    /// The PostgreSQL text representation, or `nil` for `NULL`.
    var pqText: String? { get }
}

/// A value that can be an element of an array parameter (`[String]`, `[Int?]`, …), which is sent as a
/// PostgreSQL array literal such as `{"a","b\"c",NULL}`. Only one-dimensional arrays are supported.
public protocol PQArrayElementEncodable: PQEncodable {}

extension String: PQArrayElementEncodable {
    public var pqText: String? { self }
}

extension Substring: PQArrayElementEncodable {
    public var pqText: String? { String(self) }
}

extension Int: PQArrayElementEncodable {
    public var pqText: String? { String(self) }
}

extension Int16: PQArrayElementEncodable {
    public var pqText: String? { String(self) }
}

extension Int32: PQArrayElementEncodable {
    public var pqText: String? { String(self) }
}

extension Int64: PQArrayElementEncodable {
    public var pqText: String? { String(self) }
}

extension Bool: PQArrayElementEncodable {
    public var pqText: String? { self ? "t" : "f" }
}

extension Double: PQArrayElementEncodable {
    public var pqText: String? {
        if isNaN { return "NaN" }
        if isInfinite { return self < 0 ? "-Infinity" : "Infinity" }
        return String(self)
    }
}

extension Decimal: PQArrayElementEncodable {
    /// Plain decimal notation (never an exponent), for `numeric`.
    public var pqText: String? {
        if isNaN { return "NaN" }
        return plainText
    }
}

extension Date: PQArrayElementEncodable {
    /// ISO 8601 in UTC with microseconds, for `timestamptz`: `2026-09-14T02:32:00.123456Z`.
    public var pqText: String? { PQTimestamp.format(self) }
}

extension UUID: PQArrayElementEncodable {
    public var pqText: String? { uuidString.lowercased() }
}

extension Data: PQArrayElementEncodable {
    /// `bytea` hex format: `\x0a1b…`.
    public var pqText: String? {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(2 + count * 2)
        out.append(UInt8(ascii: "\\"))
        out.append(UInt8(ascii: "x"))
        for byte in self {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension Optional: PQEncodable where Wrapped: PQEncodable {
    public var pqText: String? {
        switch self {
        case .none: nil
        case .some(let value): value.pqText
        }
    }
}

extension Optional: PQArrayElementEncodable where Wrapped: PQArrayElementEncodable {}

extension Array: PQEncodable where Element: PQArrayElementEncodable {
    /// A PostgreSQL array literal: every element double-quoted with `"` and `\` escaped; `nil` as `NULL`.
    public var pqText: String? {
        // A closure, not `\.pqText`: a key path over the generic `Element` is instantiated by the
        // runtime on every call and read through it per element (11% of the daemon's CPU under uploads).
        PQArrayLiteral.encode(map { $0.pqText })
    }
}

/// Array literal encoding and decoding (one dimension), on UTF-8 bytes.
enum PQArrayLiteral {
    private static let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\"), comma = UInt8(ascii: ",")
    private static let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t")

    static func encode(_ elements: [String?]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(2 + elements.reduce(0) { $0 + ($1?.utf8.count ?? 4) + 3 })
        out.append(UInt8(ascii: "{"))
        for (index, element) in elements.enumerated() {
            if index > 0 { out.append(comma) }
            guard let element else {
                out.append(contentsOf: "NULL".utf8)
                continue
            }
            out.append(quote)
            let bytes = element.utf8
            if bytes.contains(where: { $0 == quote || $0 == backslash }) {
                for byte in bytes {
                    if byte == quote || byte == backslash { out.append(backslash) }
                    out.append(byte)
                }
            } else {
                out.append(contentsOf: bytes)
            }
            out.append(quote)
        }
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses a one-dimensional array literal as PostgreSQL prints it (`{a,"b c",NULL}`).
    static func decode(_ text: String) throws -> [String?] {
        var utf8 = text
        return try utf8.withUTF8 { try decode(bytes: $0[...], text: text) }
    }

    private static func decode(bytes: Slice<UnsafeBufferPointer<UInt8>>, text: String) throws -> [String?] {
        var bytes = bytes
        // Optional dimension decoration: [1:3]={...}
        if bytes.first == UInt8(ascii: "[") {
            guard let eq = bytes.firstIndex(of: UInt8(ascii: "=")) else { throw malformed(text) }
            bytes = bytes[(eq + 1)...]
        }
        guard bytes.first == UInt8(ascii: "{"), bytes.last == UInt8(ascii: "}") else { throw malformed(text) }
        bytes = bytes.dropFirst().dropLast()
        var result: [String?] = []
        if bytes.allSatisfy({ $0 == space }) { return result }
        var i = bytes.startIndex
        let end = bytes.endIndex
        var value: [UInt8] = []
        while true {
            while i < end, bytes[i] == space { i += 1 }
            guard i < end else { throw malformed(text) }
            if bytes[i] == UInt8(ascii: "{") { throw malformed(text, reason: "multi-dimensional arrays are not supported") }
            value.removeAll(keepingCapacity: true)
            if bytes[i] == quote {
                i += 1
                var closed = false
                while i < end {
                    let byte = bytes[i]
                    if byte == backslash {
                        i += 1
                        guard i < end else { break }
                        value.append(bytes[i])
                    } else if byte == quote {
                        closed = true
                        i += 1
                        break
                    } else {
                        value.append(byte)
                    }
                    i += 1
                }
                guard closed else { throw malformed(text) }
                result.append(String(decoding: value, as: UTF8.self))
                while i < end, bytes[i] == space { i += 1 }
            } else {
                while i < end, bytes[i] != comma {
                    if bytes[i] == backslash {
                        i += 1
                        guard i < end else { break }
                    }
                    value.append(bytes[i])
                    i += 1
                }
                while let last = value.last, last == space || last == tab { value.removeLast() }
                let element = String(decoding: value.drop { $0 == space || $0 == tab }, as: UTF8.self)
                result.append(element.utf8.count == 4 && element.uppercased() == "NULL" ? nil : element)
            }
            if i == end { break }
            guard bytes[i] == comma else { throw malformed(text) }
            i += 1
        }
        return result
    }

    private static func malformed(_ text: String, reason: String = "malformed array literal") -> PQError {
        PQError(kind: .decoding, message: "\(reason): \(PQDecoding.preview(text))")
    }
}
