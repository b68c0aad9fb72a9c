#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The text of an import file, whatever Excel saved it as: UTF-8 (with or without a BOM) as
/// is, or GBK/GB18030 (what "CSV (Comma delimited)" is on a Chinese Windows) converted to
/// UTF-8. Anything else is refused with a message that says how to save the file as UTF-8.
public enum ImportText {
    /// How the file was encoded.
    public enum Encoding: String, Sendable, Codable {
        case utf8 = "UTF-8"
        case gb18030 = "GB18030"
    }

    /// A file that is neither UTF-8 nor GB18030, with where the first undecodable byte is.
    public struct Undecodable: Error, Sendable, Equatable, CustomStringConvertible {
        /// The 1-based line of the first byte that is not UTF-8.
        public let line: Int
        public init(line: Int) { self.line = line }
        public var description: String { "line \(line): \(Self.advice)" }

        /// What to tell the person who saved the file.
        public static let advice =
            "the file is neither UTF-8 nor GBK/GB18030 text; in Excel use File › Save As "
            + "and choose \"CSV UTF-8 (Comma delimited) (*.csv)\", then upload that file"
    }

    /// `bytes` as UTF-8 text: unchanged (nil) when they are UTF-8 already, converted from
    /// GB18030 (a superset of GBK and GB2312) when they are that.
    /// - Returns: nil when `bytes` are UTF-8; otherwise the UTF-8 bytes of the converted text.
    /// - Throws: ``Undecodable`` when they are neither.
    public static func utf8(_ bytes: UnsafeBufferPointer<UInt8>) throws(Undecodable) -> [UInt8]? {
        guard let invalid = firstInvalidUTF8(bytes) else { return nil }
        guard let converted = fromGB18030(bytes) else {
            throw Undecodable(line: 1 + bytes[..<invalid].lazy.filter { $0 == UInt8(ascii: "\n") }.count)
        }
        return converted
    }

    /// ``utf8(_:)-(UnsafeBufferPointer<UInt8>)`` of an array.
    public static func utf8(_ bytes: [UInt8]) throws(Undecodable) -> [UInt8]? {
        let result: Result<[UInt8]?, Undecodable> = bytes.withUnsafeBufferPointer { buffer in Result { () throws(Undecodable) in try utf8(buffer) } }
        return try result.get()
    }

    /// The offset of the first byte that does not belong to a well-formed UTF-8 sequence, or nil.
    public static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        bytes.withUnsafeBufferPointer { firstInvalidUTF8($0) }
    }

    /// The offset of the first byte that does not belong to a well-formed UTF-8 sequence, or nil.
    public static func firstInvalidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var index = 0
        let count = bytes.count
        while index < count {
            let lead = bytes[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            let length: Int
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0:
                length = 3
                low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED:
                length = 3
                high = 0x9F
            case 0xF0:
                length = 4
                low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4:
                length = 4
                high = 0x8F
            default: return index
            }
            guard index + length <= count else { return index }
            guard (low...high).contains(bytes[index + 1]) else { return index }
            for offset in 2..<max(2, length) where !(0x80...0xBF).contains(bytes[index + offset]) { return index }
            index += length
        }
        return nil
    }

    /// `bytes` decoded as GB18030 and encoded as UTF-8 (by the C library's iconv), or nil
    /// when they are not GB18030 or the C library cannot convert it.
    public static func fromGB18030(_ bytes: [UInt8]) -> [UInt8]? {
        bytes.withUnsafeBufferPointer { fromGB18030($0) }
    }

    /// `bytes` decoded as GB18030 and encoded as UTF-8, or nil (see ``fromGB18030(_:)-([UInt8])``).
    public static func fromGB18030(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        let converter = iconv_open("UTF-8", "GB18030")
        guard let converter, Int(bitPattern: converter) != -1 else { return nil }
        defer { iconv_close(converter) }
        var input = Array(bytes)
        // GB18030 takes 1, 2 or 4 bytes for what UTF-8 takes at most 4 (4-byte GB18030 is
        // 4-byte UTF-8 at worst): twice the input always suffices.
        var output = [UInt8](repeating: 0, count: bytes.count * 2 + 4)
        let written: Int? = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                var inPointer = UnsafeMutableRawPointer(inBuffer.baseAddress).map { $0.assumingMemoryBound(to: CChar.self) }
                var outPointer = UnsafeMutableRawPointer(outBuffer.baseAddress).map { $0.assumingMemoryBound(to: CChar.self) }
                var inLeft = inBuffer.count
                var outLeft = outBuffer.count
                guard iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft) != -1, inLeft == 0
                else { return nil }
                return outBuffer.count - outLeft
            }
        }
        guard let written else { return nil }
        return Array(output[..<written])
    }
}
