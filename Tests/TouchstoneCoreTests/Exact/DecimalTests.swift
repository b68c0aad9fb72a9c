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
}
