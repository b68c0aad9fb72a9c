import DecimalText
import Foundation
import Testing

@testable import TouchstoneCore

/// The inline (Int128) fast path of `Rational` must agree with the arbitrary-precision path.
@Suite struct RationalTests {
    @Test(arguments: [11, 12, 13])
    func fastPathMatchesBigPath(seed: UInt64) {
        var rng = SeededRNG(state: seed)
        for _ in 0..<150 {
            let a = Int.random(in: -1_000_000_000...1_000_000_000, using: &rng)
            let b = Int.random(in: 1...99_999, using: &rng)
            let c = Int.random(in: -1_000_000_000...1_000_000_000, using: &rng)
            let d = Int.random(in: 1...99_999, using: &rng)
            let x = Rational(a) / Rational(b)
            let y = Rational(c) / Rational(d)
            let bx = BigRational(a) / BigRational(b)
            let by = BigRational(c) / BigRational(d)
            for (fast, slow) in [(x + y, bx + by), (x * y, bx * by), (x - y, bx - by), (x * y * y * x * y, bx * by * by * bx * by)] {
                #expect(fast.decimal == slow.decimal, "\(fast)")
                #expect(fast.rounded(scale: 2) == slow.rounded(scale: 2))
                #expect(fast.rounded(scale: 4) == slow.rounded(scale: 4))
            }
            #expect((x < y) == (bx < by))
        }
    }

    /// KPI values as PostgreSQL divides them (16–20 decimals), combined the way payouts do.
    @Test(arguments: [21, 22])
    func longDecimalsMatchBigPath(seed: UInt64) {
        var rng = SeededRNG(state: seed)
        func text() -> String {
            let fraction = (0..<Int.random(in: 16...20, using: &rng)).map { _ in String(Int.random(in: 0...9, using: &rng)) }.joined()
            return "\(Bool.random(using: &rng) ? "-" : "")\(Int.random(in: 0...999, using: &rng)).\(fraction)"
        }
        for _ in 0..<100 {
            let (s, t, u) = (text(), text(), text())
            let (x, y, z) = (Rational(plainText: s)!, Rational(plainText: t)!, Rational(plainText: u)!)
            let (bx, by, bz) = (BigRational(plainText: s)!, BigRational(plainText: t)!, BigRational(plainText: u)!)
            let weights = Rational(60) * x + Rational(40) * y
            let bigWeights = BigRational(60) * bx + BigRational(40) * by
            for (fast, slow) in [
                (x + y, bx + by), (x * y, bx * by), (weights / Rational(100) * z, bigWeights / BigRational(100) * bz),
                ((x - y) / (z.isZero ? Rational(1) : z), (bx - by) / (bz.isZero ? BigRational(1) : bz)),
            ] {
                #expect(fast.decimal == slow.decimal, "\(fast)")
                #expect(fast.rounded(scale: 2) == slow.rounded(scale: 2))
            }
            #expect((x < y) == (bx < by))
        }
    }

    /// The texts of 38-digit decimals (what `Rational(Decimal)` parses), leading zeros, and
    /// more decimals than the inline denominator holds, read as the big path reads them.
    @Test(arguments: [
        "0.33333333333333333333333333333333333333", "-0.66666666666666666666666666666666666667",
        "142857.14285714285714285714285714285714", "99999999999999999999999999999999999999", "-99999999999999999999999999999999999999",
        "0.0000014285714285714285714285714285714285714", "0.00000000000000000000000000000000000001",
        "0.000000000000000000000000000000000000001", "100000000000000000000000000000000000000", "12.500", "-0", "0.0",
    ])
    func longTextsMatchBigPath(text: String) {
        let fast = Rational(plainText: text)!
        let slow = BigRational(plainText: text)!
        #expect(fast.decimal == slow.decimal)
        #expect(fast.rounded(scale: 2) == slow.rounded(scale: 2))
        #expect(fast * Rational(3) / Rational(7) == Rational(plainText: text)! / Rational(7) * Rational(3))
        #expect((fast * Rational(3)).decimal == (slow * BigRational(3)).decimal)
    }

    /// A decimal read from its mantissa and exponent is the value its text gives, inline or big.
    @Test(arguments: [21, 22])
    func decimalsReadFromTheirLayoutEqualTheirText(seed: UInt64) {
        var rng = SeededRNG(state: seed)
        var checked = 0
        for _ in 0..<2000 {
            guard let value = Decimal(string: randomPlainText(&rng)) else { continue }
            for derived in [value, value * Decimal(string: "3.7")!, value / 7, -value, value * Decimal(string: "1e30")!] {
                #expect(Rational(derived) == Rational(plainText: derived.plainText)!, "\(derived)")
                checked += 1
            }
        }
        #expect(checked > 9000)
        for text in ["0", "1e-38", "1e-39", "-1e30", "79228162514264337593543950335", "340282366920938463463374607431768211455"] {
            let value = Decimal(string: text)!
            #expect(Rational(value) == Rational(plainText: value.plainText)!, "\(text)")
        }
    }

    @Test func overflowFallsBackToBigPath() {
        let huge = Rational(Decimal(exactly: "1234567890123.123456789")!)
        let r = huge * huge / Rational(7)
        #expect(r.rounded(scale: 2).fixed(2) == "217736839331865804647166.17")
        #expect((r * Rational(7) / huge) == huge)
        #expect(Rational(Int.max) + Rational(Int.max) - Rational(Int.max) == Rational(Int.max))
    }

    @Test func decimalIsCorrectlyRounded() {
        #expect((Rational(1) / Rational(3)).decimal.description == "0.33333333333333333333333333333333333333")
        #expect((Rational(-2) / Rational(3)).decimal.description == "-0.66666666666666666666666666666666666667")
        #expect((Rational(1_000_000) / Rational(7)).decimal.description == "142857.14285714285714285714285714285714")
        #expect((Rational(1) / Rational(700_000)).decimal.description == "0.0000014285714285714285714285714285714285714")
        #expect((Rational(3) / Rational(8)).decimal == Decimal(exactly: "0.375")!)
    }
}
