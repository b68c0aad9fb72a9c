import DecimalText
import Foundation

/// The arbitrary-precision slow path of `Rational` (sign, numerator, positive
/// denominator, kept reduced). Internal.
struct BigRational: Sendable, Hashable, Comparable, CustomStringConvertible {
    private(set) var negative: Bool
    private(set) var num: BigUInt
    private(set) var den: BigUInt

    static let zero = BigRational(0)
    static let one = BigRational(1)
    static let hundred = BigRational(100)

    init(_ value: Int) {
        negative = value < 0
        num = BigUInt(value.magnitude.toUInt64)
        den = BigUInt(1)
    }

    init(negative: Bool, num: BigUInt, den: BigUInt) {
        precondition(!den.isZero, "zero denominator")
        let g = BigUInt.gcd(num, den)
        if g.isZero || g == BigUInt(1) {
            self.num = num
            self.den = den
        } else {
            self.num = num.quotientAndRemainder(dividingBy: g).quotient
            self.den = den.quotientAndRemainder(dividingBy: g).quotient
        }
        self.negative = negative && !num.isZero
    }

    /// The exact value of a decimal.
    init(_ value: Decimal) {
        self = BigRational(plainText: value.plainText) ?? .zero
    }

    /// Parses plain decimal text (`-12.50`, `3`, `0.001`); also accepts an exponent (`1e-3`).
    init?(plainText text: String) {
        var s = Substring(text)
        var neg = false
        if s.first == "-" {
            neg = true
            s = s.dropFirst()
        } else if s.first == "+" {
            s = s.dropFirst()
        }
        var exponent = 0
        if let e = s.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            guard let ex = Int(s[s.index(after: e)...]), abs(ex) <= 400 else { return nil }
            exponent = ex
            s = s[..<e]
        }
        var digits = Substring(s)
        var fracLen = 0
        if let dot = s.firstIndex(of: ".") {
            let intPart = s[..<dot]
            let fracPart = s[s.index(after: dot)...]
            guard !(intPart.isEmpty && fracPart.isEmpty) else { return nil }
            digits = Substring(String(intPart) + String(fracPart))
            fracLen = fracPart.count
        }
        guard let n = BigUInt(digits: digits) else { return nil }
        let scale = fracLen - exponent
        if scale >= 0 {
            self.init(negative: neg, num: n, den: BigUInt.pow10(scale))
        } else {
            self.init(negative: neg, num: n * BigUInt.pow10(-scale), den: BigUInt(1))
        }
    }

    var isZero: Bool { num.isZero }
    var isNegative: Bool { negative }

    static func + (a: BigRational, b: BigRational) -> BigRational {
        let x = a.num * b.den
        let y = b.num * a.den
        let d = a.den * b.den
        if a.negative == b.negative { return BigRational(negative: a.negative, num: x + y, den: d) }
        if x < y { return BigRational(negative: b.negative, num: y - x, den: d) }
        return BigRational(negative: a.negative, num: x - y, den: d)
    }

    static prefix func - (a: BigRational) -> BigRational {
        var r = a
        r.negative = !a.negative && !a.num.isZero
        return r
    }

    static func - (a: BigRational, b: BigRational) -> BigRational { a + (-b) }

    static func * (a: BigRational, b: BigRational) -> BigRational {
        BigRational(negative: a.negative != b.negative, num: a.num * b.num, den: a.den * b.den)
    }

    /// Division; `b` must not be zero.
    static func / (a: BigRational, b: BigRational) -> BigRational {
        BigRational(negative: a.negative != b.negative, num: a.num * b.den, den: a.den * b.num)
    }

    static func += (a: inout BigRational, b: BigRational) { a = a + b }
    static func *= (a: inout BigRational, b: BigRational) { a = a * b }

    static func < (a: BigRational, b: BigRational) -> Bool {
        if a.negative != b.negative { return a.negative }
        let x = a.num * b.den
        let y = b.num * a.den
        return a.negative ? y < x : x < y
    }

    /// |value| × 10^scale rounded half away from zero, as an integer.
    func scaledRounded(_ scale: Int) -> BigUInt {
        let n = num * BigUInt.pow10(max(0, scale))
        let d = den * BigUInt.pow10(max(0, -scale))
        let (q, r) = n.quotientAndRemainder(dividingBy: d)
        // Half away from zero: round up when 2r >= d.
        return (r + r < d) ? q : q + BigUInt(1)
    }

    private static func decimal(negative: Bool, integer: BigUInt, scale: Int) -> Decimal {
        var digits = integer.description
        if integer.isZero { return 0 }
        var s = scale
        // Trim trailing zeros of the fraction.
        while s > 0, digits.hasSuffix("0") {
            digits.removeLast()
            s -= 1
        }
        var text: String
        if s > 0 {
            if digits.count <= s { digits = String(repeating: "0", count: s - digits.count + 1) + digits }
            let idx = digits.index(digits.endIndex, offsetBy: -s)
            text = digits[..<idx] + "." + digits[idx...]
        } else {
            text = digits + String(repeating: "0", count: -s)
        }
        if negative { text = "-" + text }
        return Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) ?? 0
    }

    /// The value rounded half away from zero to `scale` decimals.
    func rounded(scale: Int) -> Decimal {
        BigRational.decimal(negative: negative, integer: scaledRounded(scale), scale: scale)
    }

    /// The value as a Decimal with up to 38 significant digits (exact when it fits).
    var decimal: Decimal {
        if num.isZero { return 0 }
        let intDigits = num.quotientAndRemainder(dividingBy: den).quotient.description.count
        let whole = num < den ? 0 : intDigits
        // Leading zeros after the point for values < 1.
        var lead = 0
        if whole == 0 {
            var probe = num * BigUInt(10)
            while probe < den {
                probe = probe * BigUInt(10)
                lead += 1
            }
        }
        let scale = whole == 0 ? 38 + lead : max(0, 38 - whole)
        var q = scaledRounded(scale)
        var sc = scale
        // Rounding can carry into a 39th digit (e.g. 9.99…→10.00…): drop one digit.
        if q.description.count > 38 {
            q = scaledRounded(sc - 1)
            sc -= 1
        }
        return BigRational.decimal(negative: negative, integer: q, scale: sc)
    }

    var description: String { (negative ? "-" : "") + num.description + (den == BigUInt(1) ? "" : "/" + den.description) }
}

extension UInt {
    fileprivate var toUInt64: UInt64 { UInt64(self) }
}

extension Decimal {
    /// The exact rational value (internal).
    var exact: Rational { Rational(self) }
}
