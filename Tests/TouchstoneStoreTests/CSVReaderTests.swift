import Foundation
import Testing
import TouchstoneStore

@Suite struct CSVReaderTests {
    /// Every record of `bytes` read with `chunkSize`, or the error that stopped the reading.
    private static func read(_ bytes: [UInt8], chunkSize: Int = 1 << 16) throws -> (records: [CSVReader.Record], error: String?) {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("csv-reader-\(UUID().uuidString).csv")
        try Data(bytes).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var reader = CSVReader(handle: handle, chunkSize: chunkSize)
        var records: [CSVReader.Record] = []
        do {
            while let record = try reader.next() { records.append(record) }
        } catch {
            return (records, error.description)
        }
        return (records, nil)
    }

    @Test func readsQuotedFieldsLineEndsAndBlankLines() throws {
        let text = "\u{FEFF}a,b\r\nc,\"d,\"\"e\"\"\nf\"\n\n浦东, x ,\n1,2"
        let (records, error) = try Self.read(Array(text.utf8))
        #expect(error == nil)
        #expect(records.map(\.line) == [1, 2, 5, 6])
        #expect(records.map(\.fields) == [["a", "b"], ["c", "d,\"e\"\nf"], ["浦东", " x ", ""], ["1", "2"]])
    }

    @Test(arguments: [
        ("a,b\nc\rd\n", "line 2: a bare carriage return outside quotes"),
        ("a,b\"c\n", "line 1: a quote inside an unquoted field 2 (quote the whole field and double the quote)"),
        ("a,\"b\"c\n", "line 1: text after the closing quote of field 2"),
        ("a\n\"b\nc", "line 2: a quoted field is not closed before the end of the file"),
    ])
    func namesTheLineOfAMalformedRecord(text: String, expected: String) throws {
        #expect(try Self.read(Array(text.utf8)).error == expected)
    }

    @Test func refusesInvalidUTF8NamingTheField() throws {
        let (records, error) = try Self.read(Array("a,b\nc,".utf8) + [0xE6, 0xB5] + Array(",d\n".utf8))
        #expect(records.map(\.fields) == [["a", "b"]])
        #expect(error == "line 2: field 2 is not valid UTF-8")
    }

    /// Records cut whole from the buffer and records read byte by byte (which every record
    /// crossing a chunk's end is, and all of them with chunks of a few bytes) read the same.
    @Test func readsTheSameWhateverTheChunkSize() throws {
        let alphabet = ["a", "7", ",", ",", "\n", "\n", "\r\n", "\r", "\"", " ", "é"].map { Array($0.utf8) } + [[0xFF]]
        var generator = SystemRandomNumberGenerator()
        var malformed = 0
        for _ in 0..<300 {
            let bytes = (0..<Int.random(in: 0...40, using: &generator)).flatMap { _ in alphabet.randomElement(using: &generator)! }
            let whole = try Self.read(bytes)
            if whole.error != nil { malformed += 1 }
            for chunkSize in [1, 2, 3, 7] {
                let chunked = try Self.read(bytes, chunkSize: chunkSize)
                #expect(chunked.error == whole.error, "\(bytes) in chunks of \(chunkSize)")
                #expect(chunked.records.map(\.fields) == whole.records.map(\.fields), "\(bytes) in chunks of \(chunkSize)")
                #expect(chunked.records.map(\.line) == whole.records.map(\.line), "\(bytes) in chunks of \(chunkSize)")
            }
        }
        #expect(malformed > 0 && malformed < 300)
    }
}
