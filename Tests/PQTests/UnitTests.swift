import Foundation
import PQ
import Testing

@Suite("PQ unit")
struct UnitTests {
    @Test func conninfoURIParsesAndHidesPassword() throws {
        let config = try PQConfiguration(conninfo: "postgresql://app:s3cr%40t@db.example:6543/touchstone?sslmode=require")
        #expect(config["host"] == "db.example")
        #expect(config["port"] == "6543")
        #expect(config["user"] == "app")
        #expect(config["password"] == "s3cr@t")
        #expect(config["dbname"] == "touchstone")
        #expect(config["sslmode"] == "require")
        #expect(!config.description.contains("s3cr"))
        #expect(config.description.contains("password=********"))
    }

    @Test func conninfoKeyValueParses() throws {
        let config = try PQConfiguration(conninfo: "host=/tmp port=5433 dbname='my db' password='p w'")
        #expect(config["dbname"] == "my db")
        #expect(config["port"] == "5433")
        #expect(!config.description.contains("p w"))
    }

    @Test func conninfoErrorComesFromLibpq() {
        #expect {
            try PQConfiguration(conninfo: "host=x bogus_keyword=1")
        } throws: { error in
            guard let error = error as? PQError else { return false }
            return error.kind == .connection && error.message.contains("bogus_keyword")
        }
    }

    @Test func unexpandedURIDescriptionHidesPassword() {
        let config = PQConfiguration(parameters: [("dbname", "postgresql://u:hunter2@h/db")])
        #expect(!config.description.contains("hunter2"))
        let raw = PQConfiguration(parameters: [("host", "h"), ("password", "hunter2")])
        #expect(raw.description == "host=h password=********")
    }

    @Test func environment() {
        #expect(PQConfiguration.environment([:]) == nil)
        #expect(PQConfiguration.environment(["HOME": "/root"]) == nil)
        #expect(PQConfiguration.environment(["PGHOST": "/tmp"])?.parameters.isEmpty == true)
        let url = PQConfiguration.environment(["DATABASE_URL": "postgres://u@h:5/d", "PGHOST": "x"])
        #expect(url?["host"] == "h")
        #expect(url?["dbname"] == "d")
    }

    @Test func interpolationBuildsPlaceholders() {
        let id = 42
        let name: String? = nil
        let tags = ["a", "b"]
        let query: Query =
            "SELECT * FROM t WHERE id = \(id) AND name IS NOT DISTINCT FROM \(name) AND tag = ANY(\(tags)::text[]) ORDER BY \(unsafeRaw: "id")"
        #expect(query.sql == "SELECT * FROM t WHERE id = $1 AND name IS NOT DISTINCT FROM $2 AND tag = ANY($3::text[]) ORDER BY id")
        #expect(query.binds.count == 3)
        #expect(query.binds[0]?.pqText == "42")
        #expect(query.binds[1] == nil || query.binds[1]?.pqText == nil)
        #expect(query.binds[2]?.pqText == #"{"a","b"}"#)
    }

    @Test func arrayLiteralEncoding() {
        #expect([String]().pqText == "{}")
        #expect(["a\"b", "c\\d", "", "x,y {z}"].pqText == #"{"a\"b","c\\d","","x,y {z}"}"#)
        #expect(([nil, "NULL"] as [String?]).pqText == #"{NULL,"NULL"}"#)
        #expect([1, 2, 3].pqText == #"{"1","2","3"}"#)
        #expect(["王芳 \"Fang\"", "{\"k\": \"v\\n\"}"].pqText == #"{"王芳 \"Fang\"","{\"k\": \"v\\n\"}"}"#)
    }

    @Test func arrayLiteralDecoding() throws {
        #expect(try [String](pqText: "{}") == [])
        #expect(try [String?](pqText: #"{a,"b c",NULL,"NULL","q\"x","s\\t",""}"#) == ["a", "b c", nil, "NULL", "q\"x", "s\\t", ""])
        #expect(try [Int](pqText: "{1,2,-3}") == [1, 2, -3])
        #expect(try [String?](pqText: #"{ a b , 上海 ,"浦东 \"新区\"",null}"#) == ["a b", "上海", #"浦东 "新区""#, nil])
        #expect(try [String](pqText: #"[0:1]={x,y}"#) == ["x", "y"])
        #expect(throws: PQError.self) { try [Int](pqText: "{1,NULL}") }
        #expect(throws: PQError.self) { try [Int](pqText: "{{1},{2}}") }
    }

    @Test func scalarCodecs() throws {
        #expect(Decimal(string: "0.00000000000000000001")!.pqText == "0.00000000000000000001")
        #expect(Decimal(string: "1000000000000000000000000000000")!.pqText == "1000000000000000000000000000000")
        #expect(Decimal(string: "-12.5")!.pqText == "-12.5")
        #expect(try Decimal(pqText: "12345678901234567890.123456789").description == "12345678901234567890.123456789")
        #expect(throws: PQError.self) { try Decimal(pqText: "abc") }
        #expect(try Bool(pqText: "t") && !(try Bool(pqText: "f")))
        #expect(Double.infinity.pqText == "Infinity")
        #expect(try Double(pqText: "-Infinity") == -.infinity)
        #expect(Data([0, 1, 0xab, 0xff]).pqText == #"\x0001abff"#)
        #expect(try Data(pqText: #"\x0001ABff"#) == Data([0, 1, 0xab, 0xff]))
        #expect(throws: PQError.self) { try Data(pqText: "\\x0") }
    }

    @Test func timestampCodec() throws {
        let date = try Date(pqText: "2026-09-14 02:32:00+00")
        #expect(date.timeIntervalSince1970 == 1_789_353_120)
        #expect(try Date(pqText: "2026-09-14 02:32:00.25+00").timeIntervalSince1970 == 1_789_353_120.25)
        #expect(try Date(pqText: "2026-09-14 08:02:00+05:30") == date)
        #expect(try Date(pqText: "2026-09-14T02:32:00Z") == date)
        #expect(date.pqText == "2026-09-14T02:32:00.000000Z")
        #expect(Date(timeIntervalSince1970: -1.5).pqText == "1969-12-31T23:59:58.500000Z")
        #expect(throws: PQError.self) { try Date(pqText: "infinity") }
        // Before year 1, PostgreSQL's era suffix: 1 BC is the proleptic year 0.
        let oneBC = try Date(pqText: "0001-01-01 00:00:00+08 BC")
        #expect(oneBC.timeIntervalSince1970 == -62_167_248_000)
        #expect(oneBC.pqText == "0002-12-31T16:00:00.000000Z BC")
        #expect(try Date(pqText: "0002-12-31T16:00:00.000000Z BC") == oneBC)
        #expect(try Date(pqText: "0044-03-15 00:00:00+00 BC").pqText == "0044-03-15T00:00:00.000000Z BC")
        #expect(throws: PQError.self) { try Date(pqText: "0044-03-15 00:00:00+00 AD") }
    }

    @Test func sqlState() {
        let code: SQLState = "23505"
        #expect(code == .uniqueViolation)
        #expect(code.class == "23")
        #expect(SQLState.adminShutdown.isConnectionError)
        #expect(SQLState(rawValue: "08006").isConnectionError)
        #expect(!SQLState.uniqueViolation.isConnectionError)
    }

    @Test func errorDescriptionHidesDetailAndSQL() {
        let error = PQError(kind: .server, code: .uniqueViolation, message: "duplicate key", detail: "Key (email)=(a@b.c)", sql: "INSERT …")
        #expect(!error.description.contains("a@b.c"))
        #expect(String(reflecting: error).contains("a@b.c"))
        #expect(String(reflecting: error).contains("INSERT"))
    }
}
