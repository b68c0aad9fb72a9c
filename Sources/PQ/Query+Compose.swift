/// Queries that compose: `a + b` is `a`'s SQL followed by `b`'s, with `b`'s placeholders
/// renumbered after `a`'s binds, so fragments written as separate literals join safely:
///
/// ```swift
/// var q: Query = "SELECT code FROM outlets WHERE tenant_id = \(tenant)"
/// if let region { q += " AND region_path = \(region)" }   // becomes $2
/// ```
extension Query {
    /// `lhs` followed by `rhs`; `rhs`'s `$n` become `$(n + lhs.binds.count)`.
    public static func + (lhs: Query, rhs: Query) -> Query {
        Query(unsafeSQL: lhs.sql + PlaceholderRenumbering.shift(rhs.sql, by: lhs.binds.count), binds: lhs.binds + rhs.binds)
    }

    /// Appends `rhs` to `lhs` (see ``+(_:_:)``).
    public static func += (lhs: inout Query, rhs: Query) {
        lhs = lhs + rhs
    }
}

extension Sequence where Element == Query {
    /// The queries one after another with `separator` (trusted SQL such as `" AND "`) between them.
    public func joined(separator: String) -> Query {
        var joined: Query?
        for query in self {
            joined = joined.map { $0 + Query(unsafeSQL: separator) + query } ?? query
        }
        return joined ?? ""
    }
}

/// Renumbers `$n` placeholders, leaving alone what only looks like one: text inside string
/// literals, quoted identifiers, comments and dollar-quoted bodies, and `$` inside an identifier.
enum PlaceholderRenumbering {
    static func shift(_ sql: String, by offset: Int) -> String {
        guard offset > 0, sql.utf8.contains(UInt8(ascii: "$")) else { return sql }
        let bytes = Array(sql.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 8)
        var i = 0
        func copy(until end: Int) {
            out.append(contentsOf: bytes[i..<min(end, bytes.count)])
            i = min(end, bytes.count)
        }
        while i < bytes.count {
            let byte = bytes[i]
            switch byte {
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                copy(until: closingQuote(bytes, from: i, quote: byte))
            case UInt8(ascii: "-") where next(bytes, i) == UInt8(ascii: "-"):
                copy(until: (bytes[i...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count) + 1)
            case UInt8(ascii: "/") where next(bytes, i) == UInt8(ascii: "*"):
                copy(until: blockCommentEnd(bytes, from: i))
            case UInt8(ascii: "$") where i > 0 && isIdentifierByte(bytes[i - 1]):
                copy(until: i + 1)
            case UInt8(ascii: "$") where next(bytes, i).map(isDigit) ?? false:
                var end = i + 1
                while end < bytes.count, isDigit(bytes[end]) { end += 1 }
                let number = Int(String(decoding: bytes[(i + 1)..<end], as: UTF8.self))! + offset
                out.append(contentsOf: Array("$\(number)".utf8))
                i = end
            case UInt8(ascii: "$"):
                copy(until: dollarQuoteEnd(bytes, from: i))
            default:
                copy(until: i + 1)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func next(_ bytes: [UInt8], _ i: Int) -> UInt8? {
        i + 1 < bytes.count ? bytes[i + 1] : nil
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private static func isIdentifierByte(_ byte: UInt8) -> Bool {
        isDigit(byte) || byte == UInt8(ascii: "_") || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z")) || byte >= 0x80
    }

    /// The index after the quote that closes the one at `start` (a doubled quote is an escape).
    private static func closingQuote(_ bytes: [UInt8], from start: Int, quote: UInt8) -> Int {
        var i = start + 1
        while i < bytes.count {
            if bytes[i] == quote {
                if next(bytes, i) == quote {
                    i += 2
                    continue
                }
                return i + 1
            }
            i += 1
        }
        return bytes.count
    }

    /// The index after the `*/` that closes the (possibly nested) comment at `start`.
    private static func blockCommentEnd(_ bytes: [UInt8], from start: Int) -> Int {
        var depth = 0
        var i = start
        while i + 1 < bytes.count {
            if bytes[i] == UInt8(ascii: "/") && bytes[i + 1] == UInt8(ascii: "*") {
                depth += 1
                i += 2
            } else if bytes[i] == UInt8(ascii: "*") && bytes[i + 1] == UInt8(ascii: "/") {
                depth -= 1
                i += 2
                if depth == 0 { return i }
            } else {
                i += 1
            }
        }
        return bytes.count
    }

    /// The index after a dollar-quoted body (`$$…$$`, `$tag$…$tag$`) starting at `start`, or after
    /// the lone `$` when it opens none.
    private static func dollarQuoteEnd(_ bytes: [UInt8], from start: Int) -> Int {
        var tagEnd = start + 1
        while tagEnd < bytes.count, bytes[tagEnd] != UInt8(ascii: "$") {
            guard isIdentifierByte(bytes[tagEnd]) else { return start + 1 }
            tagEnd += 1
        }
        guard tagEnd < bytes.count else { return start + 1 }
        let tag = Array(bytes[start...tagEnd])
        var i = tagEnd + 1
        while i + tag.count <= bytes.count {
            if bytes[i] == UInt8(ascii: "$"), Array(bytes[i..<(i + tag.count)]) == tag { return i + tag.count }
            i += 1
        }
        return bytes.count
    }
}
