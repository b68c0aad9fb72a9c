import Foundation

/// A file written through a ~1 MB buffer, so large files stream to disk in bounded memory.
///
/// A non-copyable struct over raw memory, used `inout`: the hot path (one append per byte or
/// per literal) needs no reference counting and no dynamic exclusivity checks.
struct ByteWriter: ~Copyable {
    private static let capacity = 1 << 20
    /// Room past `capacity` for the longest line, so appends never check bounds one by one.
    private static let slack = 1 << 16
    private let handle: FileHandle
    private let base: UnsafeMutablePointer<UInt8>
    private var count = 0
    private(set) var bytesWritten = 0

    /// Creates (or truncates) the file at `url`.
    init(url: URL) throws {
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw ChainGeneratorError.cannotCreate(url.path)
        }
        handle = try FileHandle(forWritingTo: url)
        base = .allocate(capacity: Self.capacity + Self.slack)
    }

    deinit {
        base.deallocate()
    }

    @inline(__always)
    mutating func byte(_ b: UInt8) {
        base[count] = b
        count += 1
    }

    /// ASCII or UTF-8 text; at most the slack (64 KB) between two `endLine`s.
    @inline(__always)
    mutating func text(_ s: String) {
        var s = s
        s.withUTF8 { utf8 in
            precondition(count + utf8.count <= Self.capacity + Self.slack, "line too long")
            (base + count).update(from: utf8.baseAddress!, count: utf8.count)
            count += utf8.count
        }
    }

    /// A non-negative integer in decimal, left-padded with zeros to `width` digits.
    mutating func int(_ value: Int, width: Int = 0) {
        precondition(value >= 0)
        var digits = 1
        var rest = value / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        let length = max(digits, width)
        var p = base + count + length
        var v = value
        for _ in 0..<length {
            p -= 1
            p.pointee = UInt8(truncatingIfNeeded: v % 10) &+ 48
            v /= 10
        }
        count += length
    }

    /// Ends a line and flushes the buffer when it is full.
    @inline(__always)
    mutating func endLine() throws {
        byte(10)
        if count >= Self.capacity { try flush() }
    }

    mutating func flush() throws {
        guard count > 0 else { return }
        try handle.write(contentsOf: Data(bytesNoCopy: base, count: count, deallocator: .none))
        bytesWritten += count
        count = 0
    }

    /// Flushes and closes the file; returns the bytes written.
    consuming func close() throws -> Int {
        try flush()
        try handle.close()
        return bytesWritten
    }
}

extension ByteWriter {
    /// A UUID in version-4 layout (`xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx`) from 128 random bits.
    mutating func uuid(high: UInt64, low: UInt64) {
        text(Self.uuid(high: high, low: low))
    }

    /// The text of ``uuid(high:low:)``.
    static func uuid(high: UInt64, low: UInt64) -> String {
        let hi = (high & ~0xF000) | 0x4000
        let lo = (low & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        func hex(_ value: UInt64, _ digits: Int) -> String {
            let text = String(digits == 16 ? value : value & ((1 << UInt64(4 * digits)) - 1), radix: 16)
            return String(repeating: "0", count: digits - text.count) + text
        }
        return "\(hex(hi >> 32, 8))-\(hex(hi >> 16, 4))-\(hex(hi, 4))-\(hex(lo >> 48, 4))-\(hex(lo, 12))"
    }

    /// An outlet code, `N` and five digits.
    mutating func outletCode(_ i: Int) {
        byte(78)
        int(i, width: 5)
    }

    /// An employee number, `P` and seven digits.
    mutating func employeeNo(_ k: Int) {
        byte(80)
        int(k, width: 7)
    }
}
