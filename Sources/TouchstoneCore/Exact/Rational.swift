import DecimalText
import Foundation

/// An exact rational number. Every calculation in Core runs on it so that nothing is
/// rounded until the value is shown; results leave Core as `Decimal` (38 significant
/// digits) or as a rounded `Decimal`. Values whose reduced numerator and denominator fit
/// in Int128 stay inline (no allocation; KPI values carry 16+ decimals, so products of
/// two of them need more than 64 bits); larger ones use `BigRational`.
/// Internal: not part of the public API.
struct Rational: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Inline value sn/sd (sd > 0, reduced) when `big` is nil.
    private var sn: Int128
    private var sd: Int128
    private var big: BigRational?

    static let zero = Rational(0)
    static let one = Rational(1)
    static let hundred = Rational(100)

    init(_ value: Int) {
        sn = Int128(value)
        sd = 1
        big = nil
    }

    /// Reduced inline value; nil on overflow.
    private init?(small n: Int128, _ d: Int128) {
        guard d != 0, n != .min, d != .min else { return nil }
        let g = Rational.gcd(n.magnitude, d.magnitude)
        var nn = n / Int128(g)
        var dd = d / Int128(g)
        if dd < 0 {
            nn = -nn
            dd = -dd
        }
        sn = nn
        sd = dd
        big = nil
    }

    private init(big b: BigRational) {
        // Normalise: inline whenever it fits, so equal values have equal representations.
        if let n = Rational.int128(b.num, negative: b.isNegative), let d = Rational.int128(b.den, negative: false) {
            sn = n
            sd = d
            big = nil
        } else {
            sn = 0
            sd = 1
            big = b
        }
    }

    private static func int128(_ x: BigUInt, negative: Bool) -> Int128? {
        guard let v = x.uint128, v <= UInt128(Int128.max) else { return nil }
        return negative ? -Int128(v) : Int128(v)
    }

    private var asBig: BigRational {
        if let big { return big }
        return BigRational(negative: sn < 0, num: BigUInt(wide: sn.magnitude), den: BigUInt(wide: UInt128(sd)))
    }

    /// Binary GCD (no 128-bit divisions); 1 when both are 0.
    static func gcd(_ a: UInt128, _ b: UInt128) -> UInt128 {
        if a == 0 { return b == 0 ? 1 : b }
        if b == 0 { return a }
        var x = a
        var y = b
        let shift = (x | y).trailingZeroBitCount
        x >>= x.trailingZeroBitCount
        repeat {
            y >>= y.trailingZeroBitCount
            if x > y { swap(&x, &y) }
            y -= x
        } while y != 0
        return x << shift
    }

    /// The exact value of a decimal: from its mantissa and exponent when they fit inline,
    /// otherwise from its text.
    init(_ value: Decimal) {
        if let (negative, mantissa, exponent) = value.parts, let n = Int128(exactly: mantissa), (-38...38).contains(exponent) {
            var power: Int128 = 1  // 10^38 < Int128.max
            for _ in 0..<abs(exponent) { power *= 10 }
            let signed = negative ? -n : n
            if exponent < 0 {
                self.init(small: signed, power)!
                return
            }
            let (product, overflow) = signed.multipliedReportingOverflow(by: power)
            if !overflow {
                self.init(small: product, 1)!
                return
            }
        }
        self.init(plainText: value.plainText)!
    }

    /// Parses plain decimal text (`-12.50`, `3`, `0.001`); also accepts an exponent (`1e-3`).
    init?(plainText text: String) {
        // Fast path: up to 38 significant digits and 38 decimals (10^38 < Int128.max), no exponent:
        // every Decimal's text (38 significant digits) and every KPI value PostgreSQL divides.
        var n: Int128 = 0
        var digits = 0
        var significant = 0
        var frac = -1
        var negative = false
        var ok = true
        for (i, b) in text.utf8.enumerated() {
            if b == UInt8(ascii: "-") && i == 0 {
                negative = true
                continue
            }
            if b == UInt8(ascii: ".") && frac < 0 {
                frac = 0
                continue
            }
            guard b >= 48 && b <= 57, significant < 38, frac < 38 else {
                ok = false
                break
            }
            n = n * 10 + Int128(b - 48)
            digits += 1
            if n != 0 { significant += 1 }
            if frac >= 0 { frac += 1 }
        }
        if ok, digits > 0, frac != 0 {
            var d: Int128 = 1
            for _ in 0..<max(0, frac) { d *= 10 }
            self.init(small: negative ? -n : n, d)
            return
        }
        guard let b = BigRational(plainText: text) else { return nil }
        self.init(big: b)
    }

    var isZero: Bool { big == nil && sn == 0 }
    var isNegative: Bool { big?.isNegative ?? (sn < 0) }

    static func + (a: Rational, b: Rational) -> Rational {
        if a.big == nil, b.big == nil {
            let g = Int128(gcd(UInt128(a.sd), UInt128(b.sd)))
            let bd = b.sd / g
            let ad = a.sd / g
            let (x, o1) = a.sn.multipliedReportingOverflow(by: bd)
            let (y, o2) = b.sn.multipliedReportingOverflow(by: ad)
            let (s, o3) = x.addingReportingOverflow(y)
            let (d, o4) = a.sd.multipliedReportingOverflow(by: bd)
            if !(o1 || o2 || o3 || o4), let r = Rational(small: s, d) { return r }
        }
        return Rational(big: a.asBig + b.asBig)
    }

    static prefix func - (a: Rational) -> Rational {
        if a.big == nil, a.sn != .min { return Rational(small: -a.sn, a.sd) ?? Rational(big: -a.asBig) }
        return Rational(big: -a.asBig)
    }

    static func - (a: Rational, b: Rational) -> Rational { a + (-b) }

    static func * (a: Rational, b: Rational) -> Rational {
        if a.big == nil, b.big == nil {
            // Cross-reduce first to keep products small.
            let g1 = Int128(gcd(a.sn.magnitude, UInt128(b.sd)))
            let g2 = Int128(gcd(b.sn.magnitude, UInt128(a.sd)))
            let (n, o1) = (a.sn / g1).multipliedReportingOverflow(by: b.sn / g2)
            let (d, o2) = (a.sd / g2).multipliedReportingOverflow(by: b.sd / g1)
            if !(o1 || o2), let r = Rational(small: n, d) { return r }
        }
        return Rational(big: a.asBig * b.asBig)
    }

    /// Division; `b` must not be zero.
    static func / (a: Rational, b: Rational) -> Rational {
        precondition(!b.isZero, "division by zero")
        if b.big == nil, b.sn != .min, let inv = Rational(small: b.sd, b.sn) { return a * inv }
        return Rational(big: a.asBig / b.asBig)
    }

    static func += (a: inout Rational, b: Rational) { a = a + b }
    static func *= (a: inout Rational, b: Rational) { a = a * b }

    static func < (a: Rational, b: Rational) -> Bool {
        if a.big == nil, b.big == nil {
            let (x, o1) = a.sn.multipliedReportingOverflow(by: b.sd)
            let (y, o2) = b.sn.multipliedReportingOverflow(by: a.sd)
            if !(o1 || o2) { return x < y }
        }
        return a.asBig < b.asBig
    }

    /// The value rounded half away from zero to `scale` decimals.
    func rounded(scale: Int) -> Decimal {
        if big == nil, (0...18).contains(scale) {
            var p: UInt128 = 1
            for _ in 0..<scale { p *= 10 }
            let (n, o) = sn.magnitude.multipliedReportingOverflow(by: p)
            let d = UInt128(sd)
            if !o {
                let (q, r) = n.quotientAndRemainder(dividingBy: d)
                let rounded = r >= d - r ? q + 1 : q
                if let significand = UInt64(exactly: rounded) {
                    return Decimal(sign: sn < 0 && rounded != 0 ? .minus : .plus, exponent: -scale, significand: Decimal(significand))
                }
            }
        }
        return asBig.rounded(scale: scale)
    }

    /// The value as a Decimal with 38 significant digits (exact when it terminates within them).
    var decimal: Decimal {
        if big == nil {
            if sd == 1, let n = Int64(exactly: sn) { return Decimal(n) }
            // Exact when the denominator divides a power of ten that Decimal can hold.
            var d = sd
            var twos = 0
            var fives = 0
            while d % 2 == 0 {
                d /= 2
                twos += 1
            }
            while d % 5 == 0 {
                d /= 5
                fives += 1
            }
            if d == 1 {
                let k = max(twos, fives)
                if k <= 36 {
                    var mult: UInt128 = 1
                    for _ in 0..<(k - twos) { mult *= 2 }
                    for _ in 0..<(k - fives) { mult *= 5 }
                    let (n, o) = sn.magnitude.multipliedReportingOverflow(by: mult)
                    if !o, let significand = UInt64(exactly: n) {
                        return Decimal(sign: sn < 0 ? .minus : .plus, exponent: -k, significand: Decimal(significand))
                    }
                }
            }
            if let d = Rational.longDivision(sn.magnitude, UInt128(sd), negative: sn < 0) { return d }
        }
        return asBig.decimal
    }

    /// n/d to 38 significant digits, rounded half away from zero (n/d non-terminating),
    /// by digit-by-digit long division in 128-bit words; nil when the integer part needs
    /// more than 64 bits or in the rare carry-out case.
    private static func longDivision(_ n: UInt128, _ d: UInt128, negative: Bool) -> Decimal? {
        var r = n % d
        guard let q = UInt64(exactly: n / d) else { return nil }
        var c1: UInt64 = q  // first chunk of significant digits (up to 19)
        var len1 = 0
        var x = q
        while x > 0 {
            len1 += 1
            x /= 10
        }
        var c2: UInt64 = 0
        var len2 = 0
        var fracDigits = 0
        func nextDigit() -> UInt128 {
            let wide = r.multipliedFullWidth(by: 10)
            let (digit, rem) = d.dividingFullWidth((high: wide.high, low: wide.low))
            r = rem
            return digit
        }
        while len1 + len2 < 38 {
            let digit = UInt64(nextDigit())
            fracDigits += 1
            if len1 == 0 && digit == 0 && c1 == 0 { continue }  // leading zeros are not significant
            if len1 < 19 && len2 == 0 {
                c1 = c1 * 10 + digit
                len1 += 1
            } else {
                c2 = c2 * 10 + digit
                len2 += 1
            }
        }
        if nextDigit() >= 5 {
            var limit2: UInt64 = 1
            for _ in 0..<len2 { limit2 *= 10 }
            c2 += 1
            if c2 == limit2 {
                c2 = 0
                c1 += 1
                var limit1: UInt64 = 1
                for _ in 0..<len1 { limit1 *= 10 }
                if c1 == limit1 { return nil }
            }
        }
        let significand = Decimal(sign: .plus, exponent: len2, significand: Decimal(c1)) + Decimal(c2)
        return Decimal(sign: negative ? .minus : .plus, exponent: -fracDigits, significand: significand)
    }

    var description: String { big?.description ?? (sd == 1 ? "\(sn)" : "\(sn)/\(sd)") }
}
