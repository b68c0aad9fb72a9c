public import Foundation

/// A streaming RFC 4180 reader: comma-separated, `"`-quoted fields with `""` escapes,
/// CRLF or LF line ends, quoted fields may span lines. A leading UTF-8 BOM is skipped.
/// Reads the input in chunks, so a file of any size is read in constant memory.
public struct CSVReader {
    /// One record and the line (1-based) it starts on.
    public struct Record: Sendable {
        public let line: Int
        public let fields: [String]
    }

    /// A malformed input, with the line it was found on.
    public struct SyntaxError: Error, Sendable, CustomStringConvertible {
        public let line: Int
        public let message: String
        public var description: String { "line \(line): \(message)" }
    }

    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var position = 0
    private var atEnd = false
    private var line = 1
    private var started = false

    private let chunkSize: Int

    /// Reads from an open file handle (not closed by the reader), `chunkSize` bytes at a time.
    public init(handle: FileHandle, chunkSize: Int = 1 << 16) {
        self.handle = handle
        self.chunkSize = chunkSize
    }

    private mutating func fill() {
        guard !atEnd, position >= buffer.count else { return }
        let chunk = handle.readData(ofLength: chunkSize)
        if chunk.isEmpty {
            atEnd = true
            buffer = []
        } else {
            buffer = [UInt8](chunk)
        }
        position = 0
    }

    private mutating func nextByte() -> UInt8? {
        fill()
        guard position < buffer.count else { return nil }
        defer { position += 1 }
        return buffer[position]
    }

    private mutating func peekByte() -> UInt8? {
        fill()
        return position < buffer.count ? buffer[position] : nil
    }

    /// The record at `position` cut straight from the buffer when it lies whole in it and is
    /// plain ASCII without quotes or a bare carriage return, as nearly every record is; nil
    /// otherwise, and ``next()`` reads it byte by byte (it also reports what is malformed).
    private mutating func plainRecord() -> [String]? {
        let start = position
        let cut: (fields: [String], end: Int)? = buffer.withUnsafeBufferPointer { bytes in
            var fields: [String] = []
            var fieldStart = start
            var index = start
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: ",") || byte == UInt8(ascii: "\n") {
                    var end = index
                    if byte == UInt8(ascii: "\n") && end > fieldStart && bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                    fields.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[fieldStart..<end]), as: UTF8.self))
                    if byte == UInt8(ascii: "\n") { return (fields, index + 1) }
                    fieldStart = index + 1
                } else if byte == UInt8(ascii: "\"") || byte >= 0x80
                    || (byte == UInt8(ascii: "\r") && (index + 1 == bytes.count || bytes[index + 1] != UInt8(ascii: "\n")))
                {
                    return nil
                }
                index += 1
            }
            return nil
        }
        guard let cut else { return nil }
        position = cut.end
        line += 1
        return cut.fields
    }

    /// The next record, or nil at the end of the input. Blank lines are skipped.
    public mutating func next() throws(SyntaxError) -> Record? {
        if !started {
            started = true
            if peekByte() == 0xEF {
                let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
                var matched = 0
                while matched < 3, peekByte() == bom[matched] {
                    position += 1
                    matched += 1
                }
                if matched != 3 { throw SyntaxError(line: 1, message: "invalid UTF-8 at the start of the file") }
            }
        }
        while true {
            guard let first = peekByte() else { return nil }
            if first == UInt8(ascii: "\n") {
                position += 1
                line += 1
                continue
            }
            if first == UInt8(ascii: "\r") {
                position += 1
                continue
            }
            break
        }
        let startLine = line
        if let fields = plainRecord() { return Record(line: startLine, fields: fields) }
        var fields: [String] = []
        var field: [UInt8] = []
        var quoted = false
        var fieldStarted = false
        var afterQuote = false

        // Whether the field has a byte outside ASCII: only then does it need UTF-8 validation
        // (the generic validating initializer was a tenth of a survey import's client time).
        var nonASCII = false

        func finish(_ bytes: [UInt8]) throws(SyntaxError) -> String {
            guard nonASCII else { return String(decoding: bytes, as: UTF8.self) }
            nonASCII = false
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw SyntaxError(line: startLine, message: "field \(fields.count + 1) is not valid UTF-8")
            }
            return text
        }

        while let byte = nextByte() {
            if quoted {
                if byte == UInt8(ascii: "\"") {
                    if peekByte() == UInt8(ascii: "\"") {
                        position += 1
                        field.append(byte)
                    } else {
                        quoted = false
                        afterQuote = true
                    }
                } else {
                    if byte == UInt8(ascii: "\n") { line += 1 }
                    nonASCII = nonASCII || byte >= 0x80
                    field.append(byte)
                }
                continue
            }
            switch byte {
            case UInt8(ascii: ","):
                fields.append(try finish(field))
                field.removeAll(keepingCapacity: true)
                fieldStarted = false
                afterQuote = false
            case UInt8(ascii: "\r"):
                if peekByte() != UInt8(ascii: "\n") {
                    throw SyntaxError(line: line, message: "a bare carriage return outside quotes")
                }
            case UInt8(ascii: "\n"):
                line += 1
                fields.append(try finish(field))
                return Record(line: startLine, fields: fields)
            case UInt8(ascii: "\""):
                if fieldStarted || afterQuote {
                    throw SyntaxError(
                        line: line, message: "a quote inside an unquoted field \(fields.count + 1) (quote the whole field and double the quote)")
                }
                quoted = true
                fieldStarted = true
            default:
                if afterQuote {
                    throw SyntaxError(line: line, message: "text after the closing quote of field \(fields.count + 1)")
                }
                fieldStarted = true
                nonASCII = nonASCII || byte >= 0x80
                field.append(byte)
            }
        }
        if quoted {
            throw SyntaxError(line: startLine, message: "a quoted field is not closed before the end of the file")
        }
        fields.append(try finish(field))
        return Record(line: startLine, fields: fields)
    }
}
