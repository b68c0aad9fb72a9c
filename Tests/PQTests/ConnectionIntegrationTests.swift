import Foundation
import PQ
import Testing

@Suite("PQ statements, errors, COPY, pipeline")
struct ConnectionIntegrationTests {
    @Test func uniqueViolationCarriesSQLStateAndConstraint() async throws {
        let table = uniqueTable("uv")
        try await withPool("conn") { pool in
            let error = try await pool.withConnection { conn -> PQError? in
                try conn.execute(script: "CREATE TABLE \(table) (id int PRIMARY KEY, email text CONSTRAINT \(table)_email_key UNIQUE)")
                try conn.execute(Query(unsafeSQL: "INSERT INTO \(table) VALUES ($1, $2)", binds: [1, "a@b.c"]))
                do {
                    try conn.execute(Query(unsafeSQL: "INSERT INTO \(table) VALUES ($1, $2)", binds: [2, "a@b.c"]))
                    return nil
                } catch let error as PQError {
                    return error
                }
            }
            let e = try #require(error)
            #expect(e.kind == .server)
            #expect(e.code == .uniqueViolation)
            #expect(e.constraint == "\(table)_email_key")
            #expect(e.table == table)
            #expect(e.detail?.contains("a@b.c") == true)
            #expect(!e.description.contains("a@b.c"))
            // The connection stays usable after a server error.
            #expect(try await pool.withConnection { try $0.queryFirst("SELECT 1")!.decode(0, as: Int.self) } == 1)
        }
    }

    @Test func executeReturnsAffectedRows() async throws {
        let table = uniqueTable("ex")
        try await withPool("conn") { pool in
            let (inserted, updated, none) = try await pool.withConnection { conn in
                try conn.execute(script: "CREATE TABLE \(table) (id int); CREATE INDEX ON \(table)(id)")
                let inserted = try conn.execute(Query(unsafeSQL: "INSERT INTO \(table) SELECT generate_series(1, 10)"))
                let updated = try conn.execute(Query(unsafeSQL: "UPDATE \(table) SET id = id + 1 WHERE id > $1", binds: [5]))
                let none = try conn.execute("SELECT 1 WHERE false")
                return (inserted, updated, none)
            }
            #expect(inserted == 10)
            #expect(updated == 5)
            #expect(none == 0)
        }
    }

    /// A statement runs on the server while the client works; its count, the work's value, its
    /// error and the work's error all come back, and the connection stays usable every time.
    /// When the work throws, the statement is asked to cancel and waited for (it may have
    /// finished first): the caller's transaction, rolled back by the error, keeps nothing.
    @Test func executeWhileWorking() async throws {
        struct WorkFailed: Error {}
        let table = uniqueTable("ov")
        try await withPool("conn", options: TestCluster.options(maxConnections: 1)) { pool in
            let (inserted, value, duplicate) = try await pool.withConnection { conn in
                try conn.execute(script: "CREATE TABLE \(table) (id int PRIMARY KEY)")
                let (inserted, value) = try conn.execute(
                    Query(unsafeSQL: "INSERT INTO \(table) SELECT generate_series(1, 1000)"), while: { (1...100).reduce(0, +) })
                var duplicate: PQError?
                do {
                    _ = try conn.execute(Query(unsafeSQL: "INSERT INTO \(table) VALUES (5)"), while: { 1 })
                } catch let error as PQError {
                    duplicate = error
                }
                return (inserted, value, duplicate)
            }
            #expect(inserted == 1000 && value == 5050)
            #expect(duplicate?.code == .uniqueViolation)
            await #expect(throws: WorkFailed.self) {
                try await pool.withTransaction { conn in
                    _ = try conn.execute(
                        Query(unsafeSQL: "INSERT INTO \(table) SELECT 2000 FROM pg_sleep(1)"),
                        while: { () throws -> Int in
                            throw WorkFailed()
                        })
                }
            }
            let count = try await pool.withConnection { conn in
                try conn.queryFirst(Query(unsafeSQL: "SELECT count(*) FROM \(table)"))!.decode(0, as: Int.self)
            }
            #expect(count == 1000)
        }
    }

    /// A pipeline run while working returns every statement's result in order: a write's
    /// count and a read's rows, the read seeing the write before it.
    @Test func pipelineWhileWorkingReturnsEachResult() async throws {
        let table = uniqueTable("pw")
        try await withPool("conn", options: TestCluster.options(maxConnections: 1)) { pool in
            let (inserted, read, value) = try await pool.withTransaction { conn in
                try conn.execute(script: "CREATE TABLE \(table) (id int PRIMARY KEY)")
                let (results, value) = try conn.pipeline(
                    [
                        Query(unsafeSQL: "INSERT INTO \(table) SELECT generate_series(1, 10)"),
                        Query(unsafeSQL: "SELECT id FROM \(table) WHERE id > $1 ORDER BY id", binds: [7]),
                    ], while: { "worked" })
                return (results[0].affectedRows, try results[1].map { try $0.decode(0, as: Int.self) }, value)
            }
            #expect(inserted == 10 && read == [8, 9, 10] && value == "worked")
            let error = await #expect(throws: PQError.self) {
                try await pool.withTransaction { conn in
                    _ = try conn.pipeline(
                        [Query(unsafeSQL: "INSERT INTO \(table) VALUES (3)"), Query(unsafeSQL: "SELECT 1")], while: { 1 })
                }
            }
            #expect(error?.code == .uniqueViolation)
        }
    }

    /// Statements are prepared once per connection; when a table they read changes shape under
    /// them (a migration while serving), the statement fails once and the connection is replaced,
    /// so the next call prepares it afresh.
    @Test func preparedStatementsSurviveATableChangingShape() async throws {
        let table = uniqueTable("shape")
        try await withPool("conn", options: TestCluster.options(maxConnections: 1)) { pool in
            try await pool.withConnection { conn in
                try conn.execute(script: "CREATE TABLE \(table) (a int); INSERT INTO \(table) VALUES (1)")
                #expect(try conn.query(Query(unsafeSQL: "SELECT * FROM \(table)")).first?.columns.count == 1)
                try conn.execute(script: "ALTER TABLE \(table) ADD COLUMN b int")
                #expect(throws: PQError.self) { try conn.query(Query(unsafeSQL: "SELECT * FROM \(table)")) }
            }
            let columns = try await pool.withConnection { conn in
                try conn.query(Query(unsafeSQL: "SELECT * FROM \(table)")).first?.columns.count
            }
            #expect(columns == 2)
        }
    }

    @Test func copyIn100kRows() async throws {
        let table = uniqueTable("copy")
        try await withPool("conn") { pool in
            let (copied, count, special) = try await pool.withConnection { conn in
                try conn.execute(script: "CREATE TABLE \(table) (id int, label text, note text)")
                let copied = try conn.copyIn(Query(unsafeSQL: "COPY \(table) (id, label, note) FROM STDIN")) { writer in
                    for i in 0..<100_000 {
                        try writer.writeRow([String(i), "row \(i)", i % 10 == 0 ? nil : "tab\there\\ \r\nend"])
                    }
                }
                let count = try conn.queryFirst(Query(unsafeSQL: "SELECT count(*), count(note) FROM \(table)"))!
                let special = try conn.queryFirst(Query(unsafeSQL: "SELECT note FROM \(table) WHERE id = 1"))!
                return (
                    copied, try count.decode(0, as: Int.self) * 1000 + (try count.decode(1, as: Int.self)) / 1000,
                    try special.decode(0, as: String.self)
                )
            }
            #expect(copied == 100_000)
            #expect(count == 100_000 * 1000 + 90)
            #expect(special == "tab\there\\ \r\nend")
        }
    }

    struct ProducerFailed: Error {}

    @Test func copyProducerErrorLeavesNothing() async throws {
        let table = uniqueTable("copyfail")
        try await withPool("conn") { pool in
            try await pool.withConnection { conn in
                try conn.execute(script: "CREATE TABLE \(table) (id int)")
            }
            await #expect(throws: ProducerFailed.self) {
                try await pool.withConnection { conn in
                    try conn.copyIn(Query(unsafeSQL: "COPY \(table) FROM STDIN")) { writer in
                        for i in 0..<50_000 { try writer.writeRow([String(i)]) }
                        throw ProducerFailed()
                    }
                }
            }
            let count = try await pool.withConnection { conn in
                try conn.queryFirst(Query(unsafeSQL: "SELECT count(*) FROM \(table)"))!.decode(0, as: Int.self)
            }
            #expect(count == 0)
        }
    }

    @Test func copyOutStreams() async throws {
        try await withPool("conn") { pool in
            let (bytes, lines) = try await pool.withConnection { conn in
                var bytes = 0
                var lines = 0
                try conn.copyOut("COPY (SELECT g, 'x' || g FROM generate_series(1, 20000) g) TO STDOUT") { chunk in
                    bytes += chunk.count
                    lines += chunk.filter { $0 == 10 }.count
                }
                return (bytes, lines)
            }
            #expect(lines == 20_000)
            #expect(bytes > 20_000 * 4)
        }
    }

    @Test func forEachRowStreams() async throws {
        struct Stop: Error {}
        try await withPool("conn", options: TestCluster.options(maxConnections: 1)) { pool in
            let (sum, rows) = try await pool.withConnection { conn in
                var sum = 0
                var rows = 0
                try conn.forEachRow("SELECT g, repeat('x', 100) FROM generate_series(1, 200000) g") { row in
                    sum += try row.decode(0, as: Int.self)
                    rows += 1
                }
                return (sum, rows)
            }
            #expect(rows == 200_000)
            #expect(sum == 200_000 * 200_001 / 2)
            // A throwing body stops the stream; the connection stays usable.
            await #expect(throws: Stop.self) {
                try await pool.withConnection { conn in
                    try conn.forEachRow("SELECT g FROM generate_series(1, 10000000) g") { row in
                        if try row.decode(0, as: Int.self) == 10 { throw Stop() }
                    }
                }
            }
            let after = try await pool.withConnection { try $0.queryFirst("SELECT 41 + 1")!.decode(0, as: Int.self) }
            #expect(after == 42)
            #expect(pool.statistics.idle == 1)
        }
    }

    @Test func pipelineOf1000Inserts() async throws {
        let table = uniqueTable("pipe")
        try await withPool("conn") { pool in
            let (counts, total) = try await pool.withTransaction { conn in
                try conn.execute(script: "CREATE TABLE \(table) (id int PRIMARY KEY, label text)")
                let queries: [Query] = (0..<1000).map { i in
                    let label: String = "label " + String(i)
                    return Query(unsafeSQL: "INSERT INTO \(table) VALUES ($1, $2)", binds: [i, label])
                }
                let counts = try conn.pipeline(queries)
                let total = try conn.queryFirst(Query(unsafeSQL: "SELECT count(*) FROM \(table)"))!.decode(0, as: Int.self)
                return (counts, total)
            }
            #expect(counts.count == 1000 && counts.allSatisfy { $0 == 1 })
            #expect(total == 1000)

            // A failing statement aborts the pipeline with its own error; nothing from it is kept.
            let error = await #expect(throws: PQError.self) {
                try await pool.withConnection { conn in
                    try conn.pipeline([
                        Query(unsafeSQL: "INSERT INTO \(table) VALUES (5000, 'new')"),
                        Query(unsafeSQL: "INSERT INTO \(table) VALUES (1, 'duplicate')"),
                        Query(unsafeSQL: "INSERT INTO \(table) VALUES (5001, 'never')"),
                    ])
                }
            }
            #expect(error?.code == .uniqueViolation)
            #expect(error?.sql?.contains("duplicate") == true)
            let after = try await pool.withConnection { conn in
                try conn.queryFirst(Query(unsafeSQL: "SELECT count(*) FROM \(table)"))!.decode(0, as: Int.self)
            }
            #expect(after == 1000)
        }
    }
}
