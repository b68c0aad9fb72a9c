import Foundation
import Testing

@testable import TouchstoneCore

@Suite struct DecimalTests {
    @Test(arguments: [
        ("61.979166666666666666666666666666666667", 2, "61.98"),
        ("2133.333333333333333333333333333333333", 2, "2133.33"),
        ("0", 2, "0.00"),
        ("92.666666666666666666666666666666666667", 4, "92.6667"),
        ("2.345", 2, "2.35"),
        ("-2.345", 2, "-2.35"),
        ("0.005", 2, "0.01"),
        ("-0.004", 2, "0.00"),
        ("1976.885", 2, "1976.89"),
        ("1920", 2, "1920.00"),
        ("12.5", 0, "13"),
        ("1000000", 2, "1000000.00"),
    ])
    func fixedRoundsHalfAwayFromZero(input: String, scale: Int, expected: String) {
        #expect(Decimal(exactly: input)!.fixed(scale) == expected)
    }

    /// The integer path writes what Foundation's rounding writes, at every scale it takes.
    @Test(arguments: [51, 52])
    func fixedFromPartsEqualsFixedByRounding(seed: UInt64) {
        var rng = SeededRNG(state: seed)
        var checked = 0
        for _ in 0..<2000 {
            guard let value = Decimal(string: randomPlainText(&rng)) else { continue }
            for derived in [value, value / 7, -value * Decimal(string: "1e-20")!, value * Decimal(string: "1e12")!] {
                for scale in [0, 1, 2, 4, 6, 18] {
                    guard let fast = derived.fixedFromParts(scale) else { continue }
                    #expect(fast == derived.fixedByRounding(scale), "\(derived) at \(scale)")
                    checked += 1
                }
            }
        }
        #expect(checked > 40_000)
        for text in ["0.005", "-0.005", "0.0049999", "9.995", "-9.995", "1e-60", "-1e-60", "0"] {
            let value = Decimal(string: text)!
            for scale in 0...3 { #expect(value.fixedFromParts(scale) == value.fixedByRounding(scale), "\(text) at \(scale)") }
        }
    }

    @Test func roundedKeepsValue() {
        #expect(Decimal(exactly: "-2.345")!.rounded(scale: 2) == Decimal(exactly: "-2.35")!)
        #expect(Decimal(exactly: "46.665")!.rounded(scale: 2) == Decimal(exactly: "46.67")!)
    }

    @Test(arguments: ["-12.50", "0", "3", "0.1", "1500.00", "99999999999999999999999999999999999999"])
    func strictParseAccepts(text: String) {
        #expect(Decimal(exactly: text) != nil)
    }

    @Test(arguments: ["1e5", "", " 1", "1 ", "+1", ".5", "5.", "12abc", "--1", "1,5", "NaN", "999999999999999999999999999999999999999"])
    func strictParseRejects(text: String) {
        #expect(Decimal(exactly: text) == nil)
    }

    @Test func strictParseIsExact() {
        #expect(Decimal(exactly: "0.1")! * 3 == Decimal(exactly: "0.3")!)
        #expect(Decimal(exactly: "-12.50")! == Decimal(-125) / 10)
    }

    @Test func foundationJSONDecoderDecodesDecimalExactly() throws {
        struct S: Decodable { let a: Decimal }
        let s = try JSONDecoder().decode(S.self, from: Data(#"{"a":0.1}"#.utf8))
        #expect(s.a == Decimal(exactly: "0.1")!)
    }

    @Test func rationalArithmeticIsExact() {
        let third = Rational(1) / Rational(3)
        #expect(third * Rational(3) == Rational.one)
        #expect(
            (Rational(Decimal(exactly: "10.01")!) / Rational(3) * Rational(Decimal(exactly: "1.5")!)).rounded(scale: 2)
                == Decimal(exactly: "5.01")!)  // exactly 5.005 → 5.01, never 5.00
        #expect((Rational(-7) / Rational(2)).rounded(scale: 0) == Decimal(-4))
        #expect((Rational(200) / Rational(3)).decimal.fixed(4) == "66.6667")
        #expect(Rational(Decimal(exactly: "-0.000123")!).decimal == Decimal(exactly: "-0.000123")!)
        #expect(Rational(plainText: "1e2") == Rational(100))
        #expect(Rational(2) < Rational(5) / Rational(2))
        #expect(Rational(-3) < Rational(-2))
    }

    @Test func rationalToDecimalKeeps38Digits() {
        let v = (Rational(Decimal(exactly: "2133.3333")!) / Rational(7)).decimal
        #expect(v.description.filter(\.isNumber).count <= 38)
        #expect((Rational(1) / Rational(3)).decimal.description == "0.33333333333333333333333333333333333333")
        #expect((Rational(2) / Rational(3)).decimal.description == "0.66666666666666666666666666666666666667")
        #expect((Rational(99_999_999) + Rational(1) / Rational(1_000_000_000_000)).decimal > Decimal(99_999_999))
    }

    @Test func bigUIntDivision() {
        let a = BigUInt(digits: "123456789012345678901234567890123456789")!
        let b = BigUInt(digits: "98765432109876543210")!
        let (q, r) = a.quotientAndRemainder(dividingBy: b)
        #expect(q.description == "1249999988609375000")
        #expect((q * b + r) == a)
        #expect(r < b)
        #expect(BigUInt.pow10(20).description == "100000000000000000000")
    }

    /// Division and GCD hold their identities whether both sides fit in 128 bits (native
    /// arithmetic) or not (shift and subtract).
    @Test(arguments: [61, 62])
    func bigUIntDivisionAndGCDAtEverySize(seed: UInt64) {
        var rng = SeededRNG(state: seed)
        func random(limbs: Int) -> BigUInt {
            var value = BigUInt(UInt64.random(in: 1...UInt64(UInt32.max), using: &rng))
            for _ in 1..<limbs { value = value * BigUInt(1 << 32) + BigUInt(UInt64.random(in: 0...UInt64(UInt32.max), using: &rng)) }
            return value
        }
        for _ in 0..<300 {
            let n = random(limbs: Int.random(in: 1...6, using: &rng))
            let d = random(limbs: Int.random(in: 1...4, using: &rng))
            let (q, r) = n.quotientAndRemainder(dividingBy: d)
            #expect(q * d + r == n && r < d, "\(n) / \(d)")
            let k = random(limbs: Int.random(in: 1...2, using: &rng))
            let g = BigUInt.gcd(n * k, d * k)
            #expect(g.quotientAndRemainder(dividingBy: k).remainder.isZero, "gcd(\(n)·\(k), \(d)·\(k))")
            #expect((n * k).quotientAndRemainder(dividingBy: g).remainder.isZero && (d * k).quotientAndRemainder(dividingBy: g).remainder.isZero)
            let (a, b) = ((n * k).quotientAndRemainder(dividingBy: g).quotient, (d * k).quotientAndRemainder(dividingBy: g).quotient)
            #expect(BigUInt.gcd(a, b) == BigUInt(1), "the cofactors of gcd(\(n)·\(k), \(d)·\(k)) are coprime")
        }
    }
}
