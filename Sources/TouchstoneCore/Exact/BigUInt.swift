/// A minimal arbitrary-precision unsigned integer (little-endian 32-bit limbs), used only
/// to keep `Rational` arithmetic exact. Internal: not part of the public API.
struct BigUInt: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Little-endian limbs with no trailing zero limb; zero is `[]`.
    private(set) var limbs: [UInt32]

    init() { limbs = [] }

    init(_ value: UInt64) {
        limbs =
            value == 0
            ? []
            : (value >> 32 == 0
                ? [UInt32(truncatingIfNeeded: value)]
                : [UInt32(truncatingIfNeeded: value), UInt32(truncatingIfNeeded: value >> 32)])
    }

    init(wide value: UInt128) {
        var limbs: [UInt32] = []
        var rest = value
        while rest != 0 {
            limbs.append(UInt32(truncatingIfNeeded: rest))
            rest >>= 32
        }
        self.limbs = limbs
    }

    private init(limbs: [UInt32]) {
        self.limbs = limbs
        normalize()
    }

    /// Parses a string of ASCII digits (no sign); nil when empty or not all digits.
    init?(digits: Substring) {
        if digits.isEmpty { return nil }
        var result = BigUInt()
        var chunk: UInt32 = 0
        var chunkLen = 0
        for byte in digits.utf8 {
            guard byte >= 48 && byte <= 57 else { return nil }
            chunk = chunk * 10 + UInt32(byte - 48)
            chunkLen += 1
            if chunkLen == 9 {
                result = result.multipliedAdding(1_000_000_000, chunk)
                chunk = 0
                chunkLen = 0
            }
        }
        if chunkLen > 0 {
            var p: UInt32 = 1
            for _ in 0..<chunkLen { p *= 10 }
            result = result.multipliedAdding(p, chunk)
        }
        self = result
    }

    /// The value as a native 128-bit integer; nil when it needs more than four limbs.
    var uint128: UInt128? {
        guard limbs.count <= 4 else { return nil }
        var value: UInt128 = 0
        for limb in limbs.reversed() { value = value << 32 | UInt128(limb) }
        return value
    }

    var isZero: Bool { limbs.isEmpty }
    var isOdd: Bool { (limbs.first ?? 0) & 1 == 1 }

    private mutating func normalize() {
        while let last = limbs.last, last == 0 { limbs.removeLast() }
    }

    /// 10^n.
    static func pow10(_ n: Int) -> BigUInt {
        var result = BigUInt(1)
        var remaining = n
        while remaining >= 9 {
            result = result.multipliedAdding(1_000_000_000, 0)
            remaining -= 9
        }
        var p: UInt32 = 1
        for _ in 0..<remaining { p *= 10 }
        return result.multipliedAdding(p, 0)
    }

    /// self * m + a for small m and a.
    func multipliedAdding(_ m: UInt32, _ a: UInt32) -> BigUInt {
        var out = [UInt32]()
        out.reserveCapacity(limbs.count + 1)
        var carry = UInt64(a)
        for limb in limbs {
            let t = UInt64(limb) * UInt64(m) + carry
            out.append(UInt32(truncatingIfNeeded: t))
            carry = t >> 32
        }
        if carry != 0 { out.append(UInt32(carry)) }
        return BigUInt(limbs: out)
    }

    static func < (lhs: BigUInt, rhs: BigUInt) -> Bool {
        if lhs.limbs.count != rhs.limbs.count { return lhs.limbs.count < rhs.limbs.count }
        var i = lhs.limbs.count - 1
        while i >= 0 {
            if lhs.limbs[i] != rhs.limbs[i] { return lhs.limbs[i] < rhs.limbs[i] }
            i -= 1
        }
        return false
    }

    static func + (lhs: BigUInt, rhs: BigUInt) -> BigUInt {
        let n = max(lhs.limbs.count, rhs.limbs.count)
        var out = [UInt32]()
        out.reserveCapacity(n + 1)
        var carry: UInt64 = 0
        for i in 0..<n {
            let a = i < lhs.limbs.count ? UInt64(lhs.limbs[i]) : 0
            let b = i < rhs.limbs.count ? UInt64(rhs.limbs[i]) : 0
            let t = a + b + carry
            out.append(UInt32(truncatingIfNeeded: t))
            carry = t >> 32
        }
        if carry != 0 { out.append(UInt32(carry)) }
        return BigUInt(limbs: out)
    }

    /// lhs - rhs; requires lhs >= rhs.
    static func - (lhs: BigUInt, rhs: BigUInt) -> BigUInt {
        precondition(!(lhs < rhs), "BigUInt subtraction underflow")
        var out = lhs.limbs
        var borrow: Int64 = 0
        for i in 0..<out.count {
            var t = Int64(out[i]) - borrow - (i < rhs.limbs.count ? Int64(rhs.limbs[i]) : 0)
            if t < 0 {
                t += 1 << 32
                borrow = 1
            } else {
                borrow = 0
            }
            out[i] = UInt32(t)
        }
        return BigUInt(limbs: out)
    }

    static func * (lhs: BigUInt, rhs: BigUInt) -> BigUInt {
        if lhs.isZero || rhs.isZero { return BigUInt() }
        var out = [UInt32](repeating: 0, count: lhs.limbs.count + rhs.limbs.count)
        for i in 0..<lhs.limbs.count {
            var carry: UInt64 = 0
            let a = UInt64(lhs.limbs[i])
            for j in 0..<rhs.limbs.count {
                let t = a * UInt64(rhs.limbs[j]) + UInt64(out[i + j]) + carry
                out[i + j] = UInt32(truncatingIfNeeded: t)
                carry = t >> 32
            }
            var k = i + rhs.limbs.count
            while carry != 0 {
                let t = UInt64(out[k]) + carry
                out[k] = UInt32(truncatingIfNeeded: t)
                carry = t >> 32
                k += 1
            }
        }
        return BigUInt(limbs: out)
    }

    private var bitWidth: Int {
        guard let last = limbs.last else { return 0 }
        return limbs.count * 32 - last.leadingZeroBitCount
    }

    private func bit(_ i: Int) -> Bool {
        (limbs[i / 32] >> UInt32(i % 32)) & 1 == 1
    }

    private mutating func shiftLeftOneOr(_ low: Bool) {
        var carry: UInt32 = low ? 1 : 0
        for i in 0..<limbs.count {
            let next = limbs[i] >> 31
            limbs[i] = (limbs[i] << 1) | carry
            carry = next
        }
        if carry != 0 { limbs.append(carry) }
    }

    /// Division by a small divisor.
    func quotientAndRemainder(dividingBy d: UInt32) -> (quotient: BigUInt, remainder: UInt32) {
        precondition(d != 0, "division by zero")
        var out = [UInt32](repeating: 0, count: limbs.count)
        var rem: UInt64 = 0
        var i = limbs.count - 1
        while i >= 0 {
            let cur = (rem << 32) | UInt64(limbs[i])
            out[i] = UInt32(cur / UInt64(d))
            rem = cur % UInt64(d)
            i -= 1
        }
        return (BigUInt(limbs: out), UInt32(rem))
    }

    /// Long division.
    func quotientAndRemainder(dividingBy d: BigUInt) -> (quotient: BigUInt, remainder: BigUInt) {
        precondition(!d.isZero, "division by zero")
        if self < d { return (BigUInt(), self) }
        if d.limbs.count == 1 {
            let (q, r) = quotientAndRemainder(dividingBy: d.limbs[0])
            return (q, BigUInt(UInt64(r)))
        }
        if let n = uint128, let d = d.uint128 {
            let (q, r) = n.quotientAndRemainder(dividingBy: d)
            return (BigUInt(wide: q), BigUInt(wide: r))
        }
        var q = [UInt32](repeating: 0, count: limbs.count)
        var r = BigUInt()
        var i = bitWidth - 1
        while i >= 0 {
            r.shiftLeftOneOr(bit(i))
            if !(r < d) {
                r = r - d
                q[i / 32] |= 1 << UInt32(i % 32)
            }
            i -= 1
        }
        return (BigUInt(limbs: q), r)
    }

    static func gcd(_ a: BigUInt, _ b: BigUInt) -> BigUInt {
        var x = a
        var y = b
        while !y.isZero {
            // Once both fit in 128 bits, the binary GCD finishes without dividing.
            if let u = x.uint128, let v = y.uint128 { return BigUInt(wide: Rational.gcd(u, v)) }
            let r = x.quotientAndRemainder(dividingBy: y).remainder
            x = y
            y = r
        }
        return x
    }

    var description: String {
        if isZero { return "0" }
        var parts = [String]()
        var cur = self
        while !cur.isZero {
            let (q, r) = cur.quotientAndRemainder(dividingBy: 1_000_000_000)
            parts.append(String(r))
            cur = q
        }
        var s = parts.removeLast()
        for p in parts.reversed() { s += String(repeating: "0", count: 9 - p.count) + p }
        return s
    }
}
