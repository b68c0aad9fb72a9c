public import Foundation

extension Decimal {
    /// The value's exact text, the same as `description` writes it (`-86.6666666666666667`,
    /// `1976.89`, `0.000001`), about ten times faster on Linux, where `description` divides
    /// the mantissa digit by digit through heap arrays. Payout explanations and bound
    /// parameters write hundreds of thousands of them per batch.
    ///
    /// It reads the mantissa, exponent and sign from the value's 20-byte layout
    /// (`NSDecimal`'s: exponent, length and flags, reserved, eight 16-bit mantissa words);
    /// the layout is checked against `description` once per process, and a mismatch — or a
    /// NaN — falls back to `description`.
    public var plainText: String {
        guard Self.layoutMatches, let text = fastText else { return description }
        return text
    }

    /// Whether this platform's layout is the one ``fastText`` reads.
    static let layoutMatches: Bool = {
        guard MemoryLayout<Decimal>.size == 20 else { return false }
        let samples = [
            "0", "1", "-1", "123.45", "-86.6666666666666667", "0.000001", "1e30",
            "79228162514264337593543950335", "-0.00000000000000000000000000000000000123",
        ]
        return samples.allSatisfy { text in Decimal(string: text).map { $0.fastText == $0.description } ?? false }
    }()

    /// The value as sign, mantissa and exponent (±mantissa × 10^exponent), read from its
    /// layout (see ``plainText``): exact, with no arithmetic on the way. Nil for NaN, and on a
    /// platform whose layout is not the one read (``layoutMatches``).
    public var parts: (negative: Bool, mantissa: UInt128, exponent: Int)? {
        guard Self.layoutMatches else { return nil }
        return rawParts
    }

    /// ``parts`` without the layout check.
    var rawParts: (negative: Bool, mantissa: UInt128, exponent: Int)? {
        withUnsafeBytes(of: self) { raw in
            let flags = raw[1]
            let length = Int(flags >> 4)
            let negative = flags & 0x08 != 0
            guard length > 0 else { return negative ? nil : (false, 0, 0) }
            var mantissa: UInt128 = 0
            for word in stride(from: length - 1, through: 0, by: -1) {
                mantissa = mantissa << 16 | UInt128(UInt16(raw[4 + 2 * word]) | UInt16(raw[5 + 2 * word]) << 8)
            }
            return (negative, mantissa, Int(Int8(bitPattern: raw[0])))
        }
    }

    /// The text from the raw layout; nil for NaN.
    var fastText: String? {
        guard let (negative, mantissa, exponent) = rawParts else { return nil }
        var digits = mantissa <= UInt64.max ? String(UInt64(mantissa)) : String(mantissa)
        if exponent >= 0 {
            digits += String(repeating: "0", count: exponent)
        } else if digits.utf8.count > -exponent {
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: exponent))
        } else {
            digits = "0." + String(repeating: "0", count: -exponent - digits.utf8.count) + digits
        }
        return negative ? "-" + digits : digits
    }
}
