import DecimalText
public import Foundation

extension Decimal {
    /// The value rounded to `scale` decimals, half away from zero ("half-up").
    public func rounded(scale: Int) -> Decimal {
        var source = self
        var result = Decimal()
        NSDecimalRound(&result, &source, scale, .plain)
        return result
    }

    /// Fixed-point text with exactly `scale` decimals, rounded half away from zero:
    /// `61.98`, `2133.33`, `0.00`, `92.6667`. Never uses exponent notation.
    public func fixed(_ scale: Int) -> String {
        let r = rounded(scale: scale)
        var text = r.plainText
        var negative = false
        if text.hasPrefix("-") {
            negative = true
            text.removeFirst()
        }
        var intPart = text
        var fracPart = ""
        if let dot = text.firstIndex(of: ".") {
            intPart = String(text[..<dot])
            fracPart = String(text[text.index(after: dot)...])
        }
        if fracPart.count < scale { fracPart += String(repeating: "0", count: scale - fracPart.count) }
        if intPart.isEmpty { intPart = "0" }
        let isZero = intPart.allSatisfy { $0 == "0" } && fracPart.allSatisfy { $0 == "0" }
        let body = scale > 0 ? intPart + "." + fracPart : intPart
        return (negative && !isZero ? "-" : "") + body
    }

    /// Strict parse of plain decimal text: optional `-`, digits, optional `.` and digits
    /// (`-12.50`, `3`, `0.1`). Rejects exponents (`1e5`), spaces, `+`, `.5`, `5.`, and
    /// more than 38 significant digits.
    public init?(exactly text: String) {
        guard Decimal.isPlainDecimal(text) else { return nil }
        let digits = text.filter { $0.isASCII && $0.isNumber }.drop { $0 == "0" }
        guard digits.count <= 38 else { return nil }
        guard let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) else { return nil }
        self = value
    }

    /// Whether `text` is `-?[0-9]+(\.[0-9]+)?`.
    static func isPlainDecimal(_ text: String) -> Bool {
        var bytes = Substring(text).utf8[...]
        if bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }
        let intDigits = bytes.prefix(while: isDigit)
        guard !intDigits.isEmpty else { return false }
        bytes = bytes.dropFirst(intDigits.count)
        if bytes.isEmpty { return true }
        guard bytes.first == UInt8(ascii: ".") else { return false }
        bytes = bytes.dropFirst()
        return !bytes.isEmpty && bytes.allSatisfy(isDigit)
    }
}
