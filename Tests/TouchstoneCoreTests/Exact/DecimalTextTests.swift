import Foundation
import Testing

@testable import DecimalText

/// Plain decimal text of 1 to 38 digits, a point anywhere or nowhere, and a sign half the time.
func randomPlainText(_ rng: inout SeededRNG) -> String {
    let digits = (0..<Int.random(in: 1...38, using: &rng)).map { _ in String(Int.random(in: 0...9, using: &rng)) }.joined()
    let point = Int.random(in: 0...digits.count)
    var text = String(digits.prefix(point)) + (point < digits.count ? "." + digits.dropFirst(point) : "")
    if text.hasPrefix(".") { text = "0" + text }
    if Bool.random(using: &rng) { text = "-" + text }
    return text
}

/// `Decimal.plainText` reads the layout; it must write exactly what `description` writes.
@Suite struct DecimalTextTests {
    @Test func layoutIsTheOneItReads() {
        #expect(Decimal.layoutMatches)
    }

    @Test(arguments: [31, 32])
    func equalsDescription(seed: UInt64) {
        var rng = SeededRNG(state: seed)
        var checked = 0
        for _ in 0..<3000 {
            let text = randomPlainText(&rng)
            guard let value = Decimal(string: text) else { continue }
            for derived in [value, value * Decimal(string: "3.7")!, value / 7, -value] {
                #expect(derived.plainText == derived.description, "\(text)")
                checked += 1
            }
        }
        #expect(checked > 10_000)
    }

    @Test func edgeValues() {
        for text in ["0", "-0", "0.10", "1.50", "100", "1e30", "-1e-30", "0.000001", "1976.89"] {
            let value = Decimal(string: text)!
            #expect(value.plainText == value.description)
        }
        #expect(Decimal.nan.plainText == Decimal.nan.description)
    }
}

/// `Decimal(plainText:)` parses what `Decimal(string:)` parses, to the same bytes.
@Suite struct DecimalParseTests {
    static func bytes(_ value: Decimal) -> [UInt8] { withUnsafeBytes(of: value) { Array($0) } }

    @Test(arguments: [41, 42])
    func equalsFoundationsParse(seed: UInt64) {
        var rng = SeededRNG(state: seed)
        var checked = 0
        for _ in 0..<3000 {
            var text = randomPlainText(&rng)
            if Bool.random(using: &rng) { text += String(repeating: "0", count: Int.random(in: 1...10, using: &rng)) }
            guard let parsed = Decimal(plainText: text) else { continue }
            let foundation = Decimal(string: text)!
            #expect(parsed == foundation, "\(text)")
            #expect(Self.bytes(parsed) == Self.bytes(foundation), "\(text)")
            checked += 1
        }
        #expect(checked > 2000)
    }

    @Test func edgeValues() {
        for text in [
            "61.980000000000000000000000", "1976.89", "100", "-86.6666666666666667",
            "0.000001", "79228162514264337593543950335", "99999999999999999999999999999999999999",
        ] {
            let parsed = Decimal(plainText: text)
            #expect(parsed == Decimal(string: text), "\(text)")
            #expect(parsed.map(Self.bytes) == Decimal(string: text).map(Self.bytes), "\(text)")
        }
        for text in [
            "", "-", ".", "1.2.3", "1e5", "abc", " 1", "1-", "NaN", "123456789012345678901234567890123456789",
            "0", "-0", "0.000000000000000000000000",
        ] {
            #expect(Decimal(plainText: text) == nil, "\(text)")
        }
    }
}
