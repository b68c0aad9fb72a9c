public import Foundation

extension Decimal {
    /// Parses plain decimal text — an optional sign, digits, an optional point and digits
    /// (`-86.6666666666666667`, `61.980000000000000000000000`, `0.000001`) — into the value
    /// `Decimal(string:)` gives, compacted the same way, without its digit-by-digit heap
    /// arithmetic: a league table decodes 200,000 of them. Nil for zero, for any other text,
    /// for more than 38 significant digits or an exponent out of range; the caller falls back then.
    public init?(plainText text: String) {
        var mantissa: UInt128 = 0
        var significant = 0
        var exponent = 0
        var negative = false
        var seenPoint = false
        var seenDigit = false
        for (index, byte) in text.utf8.enumerated() {
            switch byte {
            case UInt8(ascii: "-") where index == 0:
                negative = true
            case UInt8(ascii: "+") where index == 0:
                break
            case UInt8(ascii: "."):
                guard !seenPoint else { return nil }
                seenPoint = true
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                seenDigit = true
                if seenPoint { exponent -= 1 }
                let digit = UInt128(byte - UInt8(ascii: "0"))
                if mantissa == 0 && digit == 0 { continue }
                significant += 1
                guard significant <= 38 else { return nil }
                mantissa = mantissa * 10 + digit
            default:
                return nil
            }
        }
        guard seenDigit else { return nil }
        // Zero: Foundation keeps an exponent that depends on the sign and the digits; let it decide.
        guard mantissa != 0, exponent >= -128, Self.layoutMatches else { return nil }
        while mantissa % 10 == 0 {
            mantissa /= 10
            exponent += 1
        }
        guard exponent <= 127 else { return nil }
        // The layout `fastText` reads: exponent, then length << 4 | negative 0x08 | compact 0x04,
        // two reserved bytes, eight little-endian 16-bit mantissa words.
        var value = Decimal()
        withUnsafeMutableBytes(of: &value) { raw in
            var rest = mantissa
            var length: UInt8 = 0
            while rest != 0 {
                let word = UInt16(truncatingIfNeeded: rest)
                raw[4 + 2 * Int(length)] = UInt8(truncatingIfNeeded: word)
                raw[5 + 2 * Int(length)] = UInt8(truncatingIfNeeded: word >> 8)
                rest >>= 16
                length += 1
            }
            raw[0] = UInt8(bitPattern: Int8(exponent))
            raw[1] = length << 4 | (negative ? 0x08 : 0) | 0x04
        }
        self = value
    }
}
