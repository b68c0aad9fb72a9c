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

    /// Reads from an open file handle (not closed by the reader).
    public init(handle: FileHandle) {
        self.handle = handle
    }

    private mutating func fill() {
        guard !atEnd, position >= buffer.count else { return }
        let chunk = handle.readData(ofLength: 1 << 16)
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
        var fields: [String] = []
        var field: [UInt8] = []
        var quoted = false
        var fieldStarted = false
        var afterQuote = false

        func finish(_ bytes: [UInt8]) throws(SyntaxError) -> String {
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
