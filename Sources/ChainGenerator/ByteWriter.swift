import Foundation

/// A file written through a ~1 MB in-memory buffer, so large files stream to disk in bounded memory.
final class ByteWriter {
    private static let capacity = 1 << 20
    private let handle: FileHandle
    private var buffer: [UInt8]
    private(set) var bytesWritten = 0

    /// Creates (or truncates) the file at `url`.
    init(url: URL) throws {
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw ChainGeneratorError.cannotCreate(url.path)
        }
        handle = try FileHandle(forWritingTo: url)
        buffer = []
        buffer.reserveCapacity(Self.capacity + 4096)
    }

    @inline(__always)
    func byte(_ b: UInt8) {
        buffer.append(b)
    }

    @inline(__always)
    func text(_ s: String) {
        buffer.append(contentsOf: s.utf8)
    }

    /// A non-negative integer in decimal, left-padded with zeros to `width` digits.
    func int(_ value: Int, width: Int = 0) {
        precondition(value >= 0)
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var v = value
        withUnsafeMutableBytes(of: &digits) { raw in
            repeat {
                raw[count] = UInt8(truncatingIfNeeded: v % 10) &+ 48
                count += 1
                v /= 10
            } while v > 0
        }
        var pad = width - count
        while pad > 0 { buffer.append(48); pad -= 1 }
        withUnsafeBytes(of: &digits) { raw in
            var i = count - 1
            while i >= 0 { buffer.append(raw[i]); i -= 1 }
        }
    }

    /// Ends a line and flushes the buffer when it is full.
    @inline(__always)
    func endLine() throws {
        buffer.append(10)
        if buffer.count >= Self.capacity { try flush() }
    }

    func flush() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { raw in
            try handle.write(contentsOf: Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: raw.baseAddress!),
                                              count: raw.count, deallocator: .none))
        }
        bytesWritten += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes and closes the file.
    func close() throws {
        try flush()
        try handle.close()
    }
}

extension ByteWriter {
    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// The low `digits` hex digits of `value`, lowercase, most significant first.
    func hex(_ value: UInt64, digits: Int) {
        var shift = (digits - 1) * 4
        while shift >= 0 {
            byte(Self.hexDigits[Int((value >> UInt64(shift)) & 0xF)])
            shift -= 4
        }
    }

    /// A UUID in version-4 layout (`xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx`) from 128 random bits.
    func uuid(high: UInt64, low: UInt64) {
        let hi = (high & ~0xF000) | 0x4000
        let lo = (low & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        hex(hi >> 32, digits: 8)
        byte(45)
        hex(hi >> 16, digits: 4)
        byte(45)
        hex(hi, digits: 4)
        byte(45)
        hex(lo >> 48, digits: 4)
        byte(45)
        hex(lo, digits: 12)
    }
}
