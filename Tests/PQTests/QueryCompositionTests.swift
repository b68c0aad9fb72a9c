import Foundation
import PQ
import Testing

@Suite("Queries that compose")
struct QueryCompositionTests {
    @Test func plusRenumbersTheRightHandPlaceholders() {
        let region: String? = "华东"
        var query: Query = "SELECT code FROM outlets WHERE tenant_id = \(Int64(7)) AND closed_on IS NULL"
        query += " AND region_path = \(region) AND code <> \("X")"
        #expect(query.sql == "SELECT code FROM outlets WHERE tenant_id = $1 AND closed_on IS NULL AND region_path = $2 AND code <> $3")
        #expect(query.binds.count == 3)
        #expect(query.binds[1] as? String == "华东")
    }

    @Test func fragmentsSpliceWithTheirBinds() {
        let visible: Query = "SELECT id FROM outlets WHERE region_path = \("华东") AND code <> \("X")"
        let query: Query = "WITH v AS (\(fragment: visible)) SELECT \(Int64(3)), id FROM v WHERE id > \(0)"
        #expect(query.sql == "WITH v AS (SELECT id FROM outlets WHERE region_path = $1 AND code <> $2) SELECT $3, id FROM v WHERE id > $4")
        #expect(query.binds.count == 4)
        let prefixed: Query = "SELECT \(1), x FROM (\(fragment: visible)) AS s"
        #expect(prefixed.sql == "SELECT $1, x FROM (SELECT id FROM outlets WHERE region_path = $2 AND code <> $3) AS s")
        #expect(prefixed.binds[1] as? String == "华东")
    }

    @Test func joinedPutsTheSeparatorBetween() {
        let conditions: [Query] = ["a = \(1)", "b = \(2)", "c IS NULL", "d = \(4)"]
        let joined = conditions.joined(separator: " AND ")
        #expect(joined.sql == "a = $1 AND b = $2 AND c IS NULL AND d = $3")
        #expect(joined.binds.compactMap { $0 as? Int } == [1, 2, 4])
        #expect([Query]().joined(separator: ", ").sql == "")
    }

    @Test func onlyRealPlaceholdersAreRenumbered() {
        let left: Query = "SELECT \(1)"
        let right = Query(
            unsafeSQL: """
                , $1, '$1 it''s', "col$1", a$1, $$ $1 $$, $fn$ $1 $fn$, -- $1
                $2 /* $1 /* $1 */ $1 */ $1
                """, binds: [2, 3])
        let sql = (left + right).sql
        #expect(
            sql == """
                SELECT $1, $2, '$1 it''s', "col$1", a$1, $$ $1 $$, $fn$ $1 $fn$, -- $1
                $3 /* $1 /* $1 */ $1 */ $2
                """)
    }

    @Test func multiDigitPlaceholdersShift() {
        let left = Query(unsafeSQL: "SELECT " + (1...9).map { "$\($0)" }.joined(separator: ","), binds: Array(1...9))
        let right = Query(unsafeSQL: ", $10, $1", binds: Array(10...10) + [11])
        #expect((left + right).sql.hasSuffix(", $19, $10"))
    }

    @Test func composedQueryRunsWithTheRightValues() async throws {
        try await withPool("compose") { pool in
            let (sum, rows) = try await pool.withConnection { conn in
                var query: Query = "SELECT x, x::text || \("-") AS label, NULLIF(x, \(2)) FROM generate_series(1, \(3)) AS x"
                query += " WHERE x >= \(2) OR x = \(1)"
                let rows = try conn.query(query + " ORDER BY x", as: (Int, String, Int?).self)
                let sum = try conn.queryFirst("SELECT \(10)::int + " + "\(5)::int")!.decode(Int.self)
                return (sum, rows.map { "\($0.0) \($0.1) \($0.2.map(String.init) ?? "null")" })
            }
            #expect(sum == 15)
            #expect(rows == ["1 1- 1", "2 2- null", "3 3- 3"])
        }
    }

    @Test func tupleDecodingNamesTheColumnThatDoesNotFit() async throws {
        try await withPool("compose") { pool in
            let message = try await pool.withConnection { conn -> String in
                let row = try conn.queryFirst("SELECT 1 AS id, NULL::text AS name")!
                do {
                    _ = try row.decode((Int, String).self)
                    return "decoded"
                } catch let error as PQError {
                    return error.message
                }
            }
            #expect(message.contains("\"name\""))
            #expect(message.contains("NULL"))
        }
    }

    struct OutletRow: PQRowDecodable, Equatable {
        var code: String
        var closed: Date?
        init(row: PQRow) throws { (code, closed) = try row.decode((String, Date?).self) }
        init(code: String, closed: Date?) { (self.code, self.closed) = (code, closed) }
    }

    @Test func rowsDecodeIntoATypeInOneCall() async throws {
        try await withPool("compose") { pool in
            let outlets = try await pool.withConnection { conn in
                try conn.query("SELECT 'A1', NULL::timestamptz UNION ALL SELECT 'B2', 'epoch'::timestamptz ORDER BY 1", as: OutletRow.self)
            }
            #expect(outlets == [OutletRow(code: "A1", closed: nil), OutletRow(code: "B2", closed: Date(timeIntervalSince1970: 0))])
        }
    }
}
