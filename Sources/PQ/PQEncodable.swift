import DecimalText
import Foundation

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
        PQArrayLiteral.encode(map(\.pqText))
    }
}

/// Array literal encoding and decoding (one dimension).
enum PQArrayLiteral {
    static func encode(_ elements: [String?]) -> String {
        var out = "{"
        for (index, element) in elements.enumerated() {
            if index > 0 { out.append(",") }
            guard let element else {
                out.append("NULL")
                continue
            }
            out.append("\"")
            for ch in element.unicodeScalars {
                if ch == "\"" || ch == "\\" { out.append("\\") }
                out.unicodeScalars.append(ch)
            }
            out.append("\"")
        }
        out.append("}")
        return out
    }

    /// Parses a one-dimensional array literal as PostgreSQL prints it (`{a,"b c",NULL}`).
    static func decode(_ text: String) throws -> [String?] {
        var scalars = Array(text.unicodeScalars)[...]
        // Optional dimension decoration: [1:3]={...}
        if scalars.first == "[" {
            guard let eq = scalars.firstIndex(of: "=") else { throw malformed(text) }
            scalars = scalars[(eq + 1)...]
        }
        guard scalars.first == "{", scalars.last == "}" else { throw malformed(text) }
        scalars = scalars.dropFirst().dropLast()
        var result: [String?] = []
        if scalars.allSatisfy({ $0 == " " }) { return result }
        var i = scalars.startIndex
        let end = scalars.endIndex
        while true {
            while i < end, scalars[i] == " " { i += 1 }
            guard i < end else { throw malformed(text) }
            if scalars[i] == "{" { throw malformed(text, reason: "multi-dimensional arrays are not supported") }
            if scalars[i] == "\"" {
                i += 1
                var value = String.UnicodeScalarView()
                var closed = false
                while i < end {
                    let c = scalars[i]
                    if c == "\\" {
                        i += 1
                        guard i < end else { break }
                        value.append(scalars[i])
                    } else if c == "\"" {
                        closed = true
                        i += 1
                        break
                    } else {
                        value.append(c)
                    }
                    i += 1
                }
                guard closed else { throw malformed(text) }
                result.append(String(value))
                while i < end, scalars[i] == " " { i += 1 }
            } else {
                var value = String.UnicodeScalarView()
                while i < end, scalars[i] != "," {
                    if scalars[i] == "\\" {
                        i += 1
                        guard i < end else { break }
                    }
                    value.append(scalars[i])
                    i += 1
                }
                let trimmed = String(value).trimmingCharacters(in: .whitespaces)
                result.append(trimmed.uppercased() == "NULL" ? nil : trimmed)
            }
            if i == end { break }
            guard scalars[i] == "," else { throw malformed(text) }
            i += 1
        }
        return result
    }

    private static func malformed(_ text: String, reason: String = "malformed array literal") -> PQError {
        PQError(kind: .decoding, message: "\(reason): \(PQDecoding.preview(text))")
    }
}
