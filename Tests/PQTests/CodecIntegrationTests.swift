import Foundation
import PQ
import Testing

@Suite("PQ codecs against PostgreSQL")
struct CodecIntegrationTests {
    static let nasty: [String?] = [
        "plain", "", "with space", "  leading and trailing  ", "comma,inside", "{braces}", "\"quoted\"",
        "back\\slash", "\\", "\"", "NULL", "null", nil, "tab\tand\nnewline", "中文字符", "emoji 🎉", "a'b",
    ]

    @Test func textArrayRoundTrip() async throws {
        try await withPool("codec") { pool in
            let nasty = Self.nasty
            let (echoed, unnested) = try await pool.withConnection { conn in
                let echoed = try conn.queryFirst("SELECT \(nasty)::text[]")!.decode(0, as: [String?].self)
                let unnested = try conn.query("SELECT x FROM unnest(\(nasty)::text[]) WITH ORDINALITY AS u(x, n) ORDER BY n")
                    .map { try $0.decode(0, as: String?.self) }
                return (echoed, unnested)
            }
            #expect(echoed == nasty)
            #expect(unnested == nasty)
        }
    }

    /// The binary `text[]` reads back as the text literal does: every element, NULL, the empty
    /// string and the empty array; also through `Query.encoded` and beside text binds.
    @Test func binaryTextArrayRoundTrip() async throws {
        try await withPool("codec") { pool in
            let nasty = Self.nasty
            let json = (0..<2000).map { "{\"n\":\($0),\"s\":\"a \\\"quote\\\" and \\\\ slash\"}" }
            let (echoed, unnested, sameAsText, empty, counted, encoded) = try await pool.withConnection { conn in
                let echoed = try conn.queryFirst("SELECT \(PQTextArray(nasty))::text[]")!.decode(0, as: [String?].self)
                let unnested = try conn.query("SELECT x FROM unnest(\(PQTextArray(nasty))::text[]) WITH ORDINALITY AS u(x, n) ORDER BY n")
                    .map { try $0.decode(0, as: String?.self) }
                let sameAsText = try conn.queryFirst("SELECT \(PQTextArray(json))::text[] = \(json)::text[]")!.decode(0, as: Bool.self)
                let empty = try conn.queryFirst("SELECT cardinality(\(PQTextArray([String]()))::text[]), \(PQTextArray([String]()))::text[] = '{}'")!
                    .decode((Int, Bool).self)
                let counted = try conn.queryFirst(
                    "SELECT count(*) FROM unnest(\(PQTextArray(json))::text[]) AS u (d) WHERE (d::jsonb ->> 'n')::int >= \(1000)"
                )!.decode(0, as: Int.self)
                let encoded = try conn.queryFirst(Query("SELECT \(PQTextArray(nasty))::text[]").encoded)!.decode(0, as: [String?].self)
                return (echoed, unnested, sameAsText, empty, counted, encoded)
            }
            #expect(echoed == nasty)
            #expect(unnested == nasty)
            #expect(sameAsText)
            #expect(empty == (0, true))
            #expect(counted == 1000)
            #expect(encoded == nasty)
        }
    }

    @Test func numericArrays() async throws {
        try await withPool("codec") { pool in
            let ints = [1, -2, Int.max]
            let decimals = [Decimal(string: "1.10")!, Decimal(string: "-0.000001")!]
            let optionalInts: [Int?] = [1, nil, 3]
            let (a, b, c, sum) = try await pool.withConnection { conn in
                let row = try conn.queryFirst(
                    "SELECT \(ints)::int8[], \(decimals)::numeric[], \(optionalInts)::int[], (SELECT sum(x) FROM unnest(\(ints)::numeric[]) x)")!
                return (
                    try row.decode(0, as: [Int].self), try row.decode(1, as: [Decimal].self),
                    try row.decode(2, as: [Int?].self), try row.decode(3, as: Decimal.self)
                )
            }
            #expect(a == ints)
            #expect(b == decimals)
            #expect(c == optionalInts)
            #expect(sum == Decimal(Int.max) - 1)
        }
    }

    @Test func decimalExact() async throws {
        try await withPool("codec") { pool in
            let value = Decimal(string: "12345678901234567890.123456789")!
            let (echoed, text, doubled) = try await pool.withConnection { conn in
                let row = try conn.queryFirst("SELECT \(value)::numeric, \(value)::numeric::text, \(value)::numeric * 2")!
                return (try row.decode(0, as: Decimal.self), try row.decode(1, as: String.self), try row.decode(2, as: Decimal.self))
            }
            #expect(echoed == value)
            #expect(text == "12345678901234567890.123456789")
            #expect(doubled == Decimal(string: "24691357802469135780.246913578")!)
        }
    }

    @Test func scalars() async throws {
        try await withPool("codec") { pool in
            let id = UUID()
            let date = Date(timeIntervalSince1970: 1_789_353_120.123456)
            let bytes = Data((0..<256).map { UInt8($0) })
            let results = try await pool.withConnection { conn in
                let row = try conn.queryFirst(
                    """
                    SELECT \(id)::uuid, \(date)::timestamptz, \(bytes)::bytea, \(true)::bool, \(Int32(7))::int4,
                           \(Int64.min)::int8, \(2.5)::float8, \("x")::text AS label, NULL::text AS missing,
                           '2026-09-14 02:32:00+00'::timestamptz, now()::text
                    """)!
                #expect(try row.decode("label", as: String.self) == "x")
                #expect(try row.decode("missing", as: String?.self) == nil)
                #expect(try row.decode(8, as: Int?.self) == nil)
                return (
                    try row.decode(0, as: UUID.self), try row.decode(1, as: Date.self), try row.decode(2, as: Data.self),
                    try row.decode(3, as: Bool.self), try row.decode(4, as: Int32.self), try row.decode(5, as: Int64.self),
                    try row.decode(6, as: Double.self), try row.decode(9, as: Date.self), try row.decode(10, as: String.self)
                )
            }
            #expect(results.0 == id)
            #expect(abs(results.1.timeIntervalSince1970 - date.timeIntervalSince1970) < 0.000_002)
            #expect(results.2 == bytes)
            #expect(results.3 == true)
            #expect(results.4 == 7)
            #expect(results.5 == Int64.min)
            #expect(results.6 == 2.5)
            #expect(results.7.timeIntervalSince1970 == 1_789_353_120)
            #expect(results.8.hasSuffix("+00"))  // sessions run in UTC with ISO DateStyle
        }
    }

    /// Instants before year 1 (a period in year 1, east of Greenwich, starts in 1 BC) go to the
    /// server and back.
    @Test func timestampsBeforeYearOne() async throws {
        try await withPool("codec") { pool in
            let instant = Date(timeIntervalSince1970: -62_167_248_000)  // 0001-01-01 00:00 +08:00, 1 BC
            let (back, text) = try await pool.withConnection { conn in
                try conn.queryFirst("SELECT \(instant)::timestamptz, (\(instant)::timestamptz)::text")!.decode((Date, String).self)
            }
            #expect(back == instant)
            #expect(text == "0002-12-31 16:00:00+00 BC")
        }
    }

    @Test func decodingErrorsNameColumnAndValue() async throws {
        try await withPool("codec") { pool in
            let message = try await pool.withConnection { conn -> String in
                let row = try conn.queryFirst("SELECT 'abc'::text AS score, NULL::int AS n")!
                do {
                    _ = try row.decode("score", as: Int.self)
                    return ""
                } catch let error as PQError {
                    #expect(error.kind == .decoding)
                    #expect(throws: PQError.self) { try row.decode(1, as: Int.self) }
                    #expect(throws: PQError.self) { try row.decode("nope", as: Int.self) }
                    return error.message
                }
            }
            #expect(message.contains("score"))
            #expect(message.contains("abc"))
        }
    }
}
