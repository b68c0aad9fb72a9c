import DecimalText
public import Foundation

/// A Swift type that can be built from a PostgreSQL column value in text format.
///
/// `NULL` never reaches `init(pqText:)`: decode optionals with ``PQRow/decode(_:as:)-(_,Optional<T>.Type)``.
public protocol PQDecodable: PQColumnDecodable {
    /// Creates a value from its PostgreSQL text representation.
    /// - Throws: ``PQError`` of kind `.decoding` when the text does not fit.
    init(pqText: String) throws
}

/// A type that can be an element of a decoded one-dimensional array (`[String]`, `[Int?]`, …).
public protocol PQArrayElementDecodable {
    /// Creates an element from its text, or `nil` for a `NULL` element.
    static func pqArrayElement(_ text: String?) throws -> Self
}

extension PQArrayElementDecodable where Self: PQDecodable {
    public static func pqArrayElement(_ text: String?) throws -> Self {
        guard let text else {
            throw PQError(kind: .decoding, message: "NULL array element cannot be decoded as non-optional \(Self.self)")
        }
        return try Self(pqText: text)
    }
}

extension Optional: PQArrayElementDecodable where Wrapped: PQArrayElementDecodable {
    public static func pqArrayElement(_ text: String?) throws -> Self {
        guard let text else { return nil }
        return try Wrapped.pqArrayElement(text)
    }
}

extension Array: PQColumnDecodable, PQDecodable where Element: PQArrayElementDecodable {
    /// Parses a one-dimensional array literal (`{a,"b c",NULL}`).
    public init(pqText: String) throws {
        self = try PQArrayLiteral.decode(pqText).map { try Element.pqArrayElement($0) }
    }
}

enum PQDecoding {
    static func preview(_ text: String) -> String {
        text.count > 64 ? "\"\(text.prefix(64))…\"" : "\"\(text)\""
    }

    static func failure<T>(_ text: String, _ type: T.Type) -> PQError {
        PQError(kind: .decoding, message: "cannot decode \(preview(text)) as \(T.self)")
    }
}

extension PQDecodable where Self: FixedWidthInteger {
    /// Parses an integer column (`int2`, `int4`, `int8`) in base 10; out of range is an error.
    public init(pqText: String) throws {
        guard let value = Self(pqText, radix: 10) else { throw PQDecoding.failure(pqText, Self.self) }
        self = value
    }
}

extension String: PQDecodable, PQArrayElementDecodable {
    public init(pqText: String) throws { self = pqText }
}

extension Int: PQDecodable, PQArrayElementDecodable {}

extension Int16: PQDecodable, PQArrayElementDecodable {}

extension Int32: PQDecodable, PQArrayElementDecodable {}

extension Int64: PQDecodable, PQArrayElementDecodable {}

extension Bool: PQDecodable, PQArrayElementDecodable {
    /// Accepts `t`/`f` (PostgreSQL's output) and `true`/`false`.
    public init(pqText: String) throws {
        switch pqText {
        case "t", "true", "TRUE": self = true
        case "f", "false", "FALSE": self = false
        default: throw PQDecoding.failure(pqText, Bool.self)
        }
    }
}

extension Double: PQDecodable, PQArrayElementDecodable {
    /// Accepts `float8`/`float4`/`numeric` text, including `NaN`, `Infinity` and `-Infinity`.
    public init(pqText: String) throws {
        switch pqText {
        case "NaN": self = .nan
        case "Infinity": self = .infinity
        case "-Infinity": self = -.infinity
        default:
            guard let value = Double(pqText) else { throw PQDecoding.failure(pqText, Double.self) }
            self = value
        }
    }
}

extension Decimal: PQDecodable, PQArrayElementDecodable {
    /// Parses `numeric` text exactly (up to Decimal's 38 significant digits).
    public init(pqText: String) throws {
        if pqText == "NaN" {
            self = .nan
            return
        }
        if let value = Decimal(plainText: pqText) {
            self = value
            return
        }
        let valid = !pqText.isEmpty && pqText.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || $0 == 46 || $0 == 45 || $0 == 43 }
        guard valid, let value = Decimal(string: pqText, locale: Locale(identifier: "en_US_POSIX")) else {
            throw PQDecoding.failure(pqText, Decimal.self)
        }
        self = value
    }
}

extension Date: PQDecodable, PQArrayElementDecodable {
    /// Parses `timestamptz` text in ISO DateStyle (`2026-09-14 02:32:00.123+00`); pool connections use
    /// `TimeZone=UTC` and `DateStyle=ISO`. `infinity` and BC dates are rejected.
    public init(pqText: String) throws {
        guard let value = PQTimestamp.parse(pqText) else { throw PQDecoding.failure(pqText, Date.self) }
        self = value
    }
}

extension UUID: PQDecodable, PQArrayElementDecodable {
    public init(pqText: String) throws {
        guard let value = UUID(uuidString: pqText) else { throw PQDecoding.failure(pqText, UUID.self) }
        self = value
    }
}

extension Data: PQDecodable, PQArrayElementDecodable {
    /// Parses `bytea` hex output (`\x0a1b…`).
    public init(pqText: String) throws {
        let bytes = Array(pqText.utf8)
        guard bytes.count >= 2, bytes[0] == UInt8(ascii: "\\"), bytes[1] == UInt8(ascii: "x"), bytes.count % 2 == 0 else {
            throw PQDecoding.failure(pqText, Data.self)
        }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: c - 48
            case 97...102: c - 87
            case 65...70: c - 55
            default: nil
            }
        }
        var out = Data(capacity: (bytes.count - 2) / 2)
        var i = 2
        while i < bytes.count {
            guard let hi = nibble(bytes[i]), let lo = nibble(bytes[i + 1]) else {
                throw PQDecoding.failure(pqText, Data.self)
            }
            out.append(hi << 4 | lo)
            i += 2
        }
        self = out
    }
}
