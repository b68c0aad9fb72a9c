import Foundation
import PQ
import Testing

@Suite("PQ binary bytes against PostgreSQL")
struct BinaryBytesTests {
    /// Every byte value, a NUL-heavy run and an odd length: what text or hex handling would mangle.
    static let bytes: Data = {
        var data = Data((0...255).map { UInt8($0) })
        data.append(Data(repeating: 0, count: 1000))
        data.append(Data((0..<100_001).map { UInt8(truncatingIfNeeded: $0 &* 31) }))
        return data
    }()

    @Test func bytesBindInBinaryAndReadBackWithoutHex() async throws {
        try await withPool("binary") { pool in
            let bytes = Self.bytes
            let (length, digest, echoed, empty, slice) = try await pool.withConnection { conn in
                let row = try conn.queryFirst(
                    "SELECT octet_length(\(PQBytes(bytes))::bytea), encode(sha256(\(PQBytes(bytes))::bytea), 'hex')")!
                let echoed = try conn.queryBytes("SELECT \(PQBytes(bytes))::bytea")
                let empty = try conn.queryBytes("SELECT \(PQBytes(Data()))::bytea")
                let slice = try conn.queryBytes("SELECT substring(\(PQBytes(bytes))::bytea FROM 2 FOR 3)")
                return (try row.decode(0, as: Int.self), try row.decode(1, as: String.self), echoed, empty, slice)
            }
            #expect(length == bytes.count)
            #expect(digest.count == 64)
            #expect(echoed == bytes)
            #expect(empty == Data())
            #expect(slice == Data([1, 2, 3]))
        }
    }

    @Test func bytesMixWithTextBindsAndNullReadsAsNil() async throws {
        try await withPool("binary") { pool in
            let (text, null, none) = try await pool.withConnection { conn in
                let text = try conn.queryFirst("SELECT \("a")::text || encode(\(PQBytes(Data([0xff, 0]))), 'hex') || \(7)::text")!
                    .decode(0, as: String.self)
                return (text, try conn.queryBytes("SELECT NULL::bytea"), try conn.queryBytes("SELECT NULL::bytea WHERE false"))
            }
            #expect(text == "aff007")
            #expect(null == nil && none == nil)
        }
    }

    /// A query encoded ahead (`Query.encoded`) sends the same text, the same NULL and the same binary bytes.
    @Test func encodedQueryReadsTheSame() async throws {
        try await withPool("binary") { pool in
            let none: Int? = nil
            let query: Query =
                "SELECT \([1, 2])::int[]::text || coalesce(\(none)::int::text, 'null') || encode(\(PQBytes(Data([0xff, 0]))), 'hex')"
            let encoded = query.encoded
            let (plain, early) = try await pool.withConnection { conn in
                (try conn.queryFirst(query)!.decode(0, as: String.self), try conn.queryFirst(encoded)!.decode(0, as: String.self))
            }
            #expect(plain == "{1,2}nullff00")
            #expect(early == plain)
            #expect(encoded.binds[0] is String && encoded.binds[1] == nil && encoded.binds[2] is PQBytes)
        }
    }
}
