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
        fixedFromParts(scale) ?? fixedByRounding(scale)
    }

    /// ``fixed(_:)`` through Foundation's rounding and the rounded value's text.
    func fixedByRounding(_ scale: Int) -> String {
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

    /// ``fixed(_:)`` from the mantissa and exponent, in integers: the value in units of
    /// 10^-scale, rounded half away from zero, then written with its point. Nil when those
    /// units do not fit in 128 bits (the general path takes over).
    func fixedFromParts(_ scale: Int) -> String? {
        guard (0...18).contains(scale), let (negative, mantissa, exponent) = parts else { return nil }
        var units = mantissa
        if exponent + scale >= 0 {
            guard exponent + scale <= 38 else { return nil }
            for _ in 0..<(exponent + scale) {
                let (product, overflow) = units.multipliedReportingOverflow(by: 10)
                guard !overflow else { return nil }
                units = product
            }
        } else {
            // Past 38 dropped digits the value (a mantissa below 3.5 × 10^38) rounds to 0.
            let dropped = -(exponent + scale)
            if dropped > 38 {
                units = 0
            } else {
                var divisor: UInt128 = 1
                for _ in 0..<dropped { divisor *= 10 }
                let (quotient, remainder) = units.quotientAndRemainder(dividingBy: divisor)
                units = remainder >= divisor - remainder ? quotient + 1 : quotient
            }
        }
        var digits = units <= UInt64.max ? String(UInt64(units)) : String(units)
        let width = digits.utf8.count
        if width <= scale { digits = String(repeating: "0", count: scale + 1 - width) + digits }
        if scale > 0 { digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -scale)) }
        return negative && units != 0 ? "-" + digits : digits
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
