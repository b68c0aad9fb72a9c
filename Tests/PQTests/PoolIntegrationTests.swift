import Foundation
import PQ
import Testing

@Suite("PQPool: transactions, cancellation, failures, concurrency")
struct PoolIntegrationTests {
    struct BodyFailed: Error {}

    @Test func transactionRollsBackOnThrownError() async throws {
        let table = uniqueTable("tx")
        try await withPool("pool") { pool in
            try await pool.withConnection { try $0.execute(script: "CREATE TABLE \(table) (id int)") }
            await #expect(throws: BodyFailed.self) {
                try await pool.withTransaction { conn in
                    try conn.execute(Query(unsafeSQL: "INSERT INTO \(table) VALUES (1)"))
                    throw BodyFailed()
                }
            }
            try await pool.withTransaction(isolation: .serializable) { conn in
                try conn.execute(Query(unsafeSQL: "INSERT INTO \(table) VALUES (2)"))
            }
            let ids = try await pool.withConnection { conn in
                try conn.query(Query(unsafeSQL: "SELECT id FROM \(table) ORDER BY id")).map { try $0.decode(0, as: Int.self) }
            }
            #expect(ids == [2])
        }
    }

    @Test func transactionSettingsAreLocal() async throws {
        try await withPool("pool", options: TestCluster.options(maxConnections: 1)) { pool in
            let (inside, readOnly) = try await pool.withTransaction(readOnly: true, settings: [("app.tenant_id", "t-42")]) { conn in
                (
                    try conn.queryFirst("SELECT current_setting('app.tenant_id')")!.decode(0, as: String.self),
                    try conn.queryFirst("SHOW transaction_read_only")!.decode(0, as: String.self)
                )
            }
            #expect(inside == "t-42")
            #expect(readOnly == "on")
            let after = try await pool.withConnection { conn in
                try conn.queryFirst("SELECT current_setting('app.tenant_id', true)")!.decode(0, as: String?.self)
            }
            #expect(after == nil || after == "")
        }
    }

    @Test("every pooled connection reads and writes in UTC, ISO dates, and never JIT-compiles")
    func connectionsAreSetUp() async throws {
        try await withPool("pool", options: TestCluster.options(maxConnections: 1)) { pool in
            let settings = try await pool.withConnection { conn in
                try conn.queryFirst("SELECT current_setting('TimeZone'), current_setting('DateStyle'), current_setting('jit')")!
                    .decode((String, String, String).self)
            }
            #expect(settings == ("UTC", "ISO, MDY", "off"))
        }
    }

    @Test func swallowedErrorInsideTransactionIsNotCommitted() async throws {
        let table = uniqueTable("swallow")
        try await withPool("pool") { pool in
            try await pool.withConnection { try $0.execute(script: "CREATE TABLE \(table) (id int PRIMARY KEY)") }
            let error = await #expect(throws: PQError.self) {
                try await pool.withTransaction { conn in
                    try conn.execute(Query(unsafeSQL: "INSERT INTO \(table) VALUES (1)"))
                    _ = try? conn.execute(Query(unsafeSQL: "INSERT INTO \(table) VALUES (1)"))
                }
            }
            #expect(error?.code == "25P02")
            let count = try await pool.withConnection { conn in
                try conn.queryFirst(Query(unsafeSQL: "SELECT count(*) FROM \(table)"))!.decode(0, as: Int.self)
            }
            #expect(count == 0)
        }
    }

    @Test func leaseNeverReturnsConnectionMidTransaction() async throws {
        try await withPool("pool", options: TestCluster.options(maxConnections: 1)) { pool in
            try await pool.withConnection { conn in
                try conn.execute("BEGIN")
                try conn.execute("CREATE TEMP TABLE leaked (id int)")
            }
            let inTransaction = try await pool.withConnection { conn in
                (conn.isInTransaction, try conn.queryFirst("SELECT to_regclass('pg_temp.leaked') IS NULL")!.decode(0, as: Bool.self))
            }
            #expect(inTransaction.0 == false)
            #expect(inTransaction.1 == true)
        }
    }

    @Test func cancellationCancelsRunningStatementAndRollsBack() async throws {
        let table = uniqueTable("cancel")
        try await withPool("pool", options: TestCluster.options(maxConnections: 2)) { pool in
            try await pool.withConnection { try $0.execute(script: "CREATE TABLE \(table) (id int)") }
            let task = Task {
                try await pool.withTransaction { conn in
                    try conn.execute(Query(unsafeSQL: "INSERT INTO \(table) VALUES (1)"))
                    try conn.execute("SELECT pg_sleep(10)")
                }
            }
            try await Task.sleep(for: .milliseconds(300))
            let started = ContinuousClock.now
            task.cancel()
            let result = await task.result
            let elapsed = ContinuousClock.now - started
            // Well before the statement's 10 s: a loaded make test once took 2.2 s to see it end.
            #expect(elapsed < .seconds(5))
            switch result {
            case .success: Issue.record("expected cancellation")
            case .failure(let error):
                let error = try #require(error as? PQError)
                #expect(error.kind == .cancelled)
                #expect(error.code == .queryCanceled)
            }
            let count = try await pool.withConnection { conn in
                try conn.queryFirst(Query(unsafeSQL: "SELECT count(*) FROM \(table)"))!.decode(0, as: Int.self)
            }
            #expect(count == 0)
            #expect(pool.statistics.inUse == 0)
        }
    }

    @Test func statementTimeout() async throws {
        try await withPool("pool", options: TestCluster.options(maxConnections: 1, statementTimeout: .milliseconds(200))) { pool async throws in
            let error = await #expect(throws: PQError.self) {
                try await pool.withConnection { try $0.execute("SELECT pg_sleep(5)") }
            }
            #expect(error?.code == .queryCanceled)
            #expect(error?.kind == .server)
            #expect(try await pool.withConnection { try $0.queryFirst("SELECT 1")!.decode(0, as: Int.self) } == 1)
        }
    }

    @Test func brokenConnectionIsReplaced() async throws {
        try await withPool("pool", options: TestCluster.options(maxConnections: 1)) { pool in
            let firstPID = try await pool.withConnection { $0.backendPID }
            let error = await #expect(throws: PQError.self) {
                try await pool.withConnection { conn in
                    // Terminate our own backend, then use the connection.
                    _ = try? conn.query(Query(unsafeSQL: "SELECT pg_terminate_backend($1)", binds: [Int(conn.backendPID)]))
                    _ = try conn.query("SELECT 1")
                }
            }
            #expect(error?.kind == .connection)
            #expect(pool.statistics.idle == 0)
            let (secondPID, one) = try await pool.withConnection { conn in
                (conn.backendPID, try conn.queryFirst("SELECT 1")!.decode(0, as: Int.self))
            }
            #expect(one == 1)
            #expect(secondPID != firstPID)

            // An idle connection whose backend died is detected and replaced at lease time.
            // Terminated and gone: a loaded machine can take longer than any fixed pause to end it.
            try await withPool("pool", options: TestCluster.options(maxConnections: 1)) { killer in
                try await killer.withConnection { conn in
                    _ = try conn.query(Query(unsafeSQL: "SELECT pg_terminate_backend($1::integer, 30000)", binds: [Int(secondPID)]))
                }
            }
            let third = try await pool.withConnection { conn in
                (conn.backendPID, try conn.queryFirst("SELECT 2")!.decode(0, as: Int.self))
            }
            #expect(third.1 == 2)
            #expect(third.0 != secondPID)
        }
    }

    @Test func poolExhaustionTimesOut() async throws {
        try await withPool("pool", options: TestCluster.options(maxConnections: 1, acquireTimeout: .milliseconds(200))) { pool in
            let holder = Task { try await pool.withConnection { try $0.execute("SELECT pg_sleep(6)") } }
            try await waitUntil { pool.statistics.inUse == 1 }
            let started = ContinuousClock.now
            let error = await #expect(throws: PQError.self) {
                try await pool.withConnection { _ in 1 }
            }
            #expect(error?.kind == .poolTimeout)
            // Long before the holder's 3 s sleep ends (a loaded machine is slow, not 15 times slower).
            #expect(ContinuousClock.now - started < .milliseconds(2500))
            _ = try await holder.value
        }
    }

    @Test func waiterBoundIsEnforced() async throws {
        try await withPool("pool", options: TestCluster.options(maxConnections: 1, acquireTimeout: .seconds(60), maxWaiters: 1)) { pool in
            let holder = Task { try await pool.withConnection { try $0.execute("SELECT pg_sleep(3)") } }
            try await waitUntil { pool.statistics.inUse == 1 }
            let waiter = Task { try await pool.withConnection { _ in 1 } }
            try await waitUntil { pool.statistics.waiting == 1 }
            let error = await #expect(throws: PQError.self) { try await pool.withConnection { _ in 1 } }
            #expect(error?.kind == .poolTimeout)
            _ = try await holder.value
            #expect(try await waiter.value == 1)
        }
    }

    @Test func fiftyConcurrentLeasesOnFourConnections() async throws {
        try await withPool("pool", options: TestCluster.options(maxConnections: 4)) { pool in
            let results = try await withThrowingTaskGroup(of: Int.self) { group in
                for i in 0..<50 {
                    group.addTask {
                        try await pool.withConnection { conn in
                            try conn.queryFirst("SELECT \(i)::int + 0 FROM pg_sleep(0.02)")!.decode(0, as: Int.self)
                        }
                    }
                }
                var all: [Int] = []
                for try await value in group { all.append(value) }
                return all
            }
            #expect(results.sorted() == Array(0..<50))
            let stats = pool.statistics
            #expect(stats.inUse == 0 && stats.waiting == 0 && stats.idle <= 4 && stats.max == 4)
        }
    }

    @Test func closedPoolRejectsLeases() async throws {
        let configuration = try await TestCluster.shared.database("pool")
        let pool = PQPool(configuration: configuration, options: TestCluster.options(maxConnections: 2), logger: TestCluster.logger)
        try await pool.ping()
        let slow = Task { try await pool.withConnection { try $0.execute("SELECT pg_sleep(1)") } }
        try await waitUntil { pool.statistics.inUse == 1 }
        await pool.close()  // waits for the leased connection to come back
        #expect(try await slow.value == 1)
        let error = await #expect(throws: PQError.self) { try await pool.withConnection { _ in 1 } }
        #expect(error?.kind == .poolClosed)
        await pool.close()  // idempotent
    }

    @Test func connectFailureIsAConnectionError() async throws {
        let pool = PQPool(
            configuration: PQConfiguration(parameters: [("host", "/nonexistent-socket-dir"), ("dbname", "x")]),
            maxConnections: 1, logger: TestCluster.logger)
        let error = await #expect(throws: PQError.self) { try await pool.ping() }
        #expect(error?.kind == .connection)
        #expect(error?.stage == .connecting)
        #expect(pool.statistics.inUse == 0)
        await pool.close()
    }

    /// A server that refuses writes for every session (a standby, a demoted primary) answers
    /// 25006: the connection is discarded as if lost. A 25006 from a READ ONLY transaction on a
    /// primary is the caller's bug: a server error, and the connection is kept.
    @Test func writeRefusedByAReadOnlyServerReplacesTheConnection() async throws {
        try await withPool("pool", options: TestCluster.options(maxConnections: 1)) { pool in
            try await pool.withConnection { conn in
                try conn.execute(script: "DROP TABLE IF EXISTS ro_probe; CREATE TABLE ro_probe (x int)")
            }
            let firstPID = try await pool.withConnection { $0.backendPID }
            let inReadOnlyTransaction = await #expect(throws: PQError.self) {
                try await pool.withTransaction(readOnly: true) { conn in try conn.execute("INSERT INTO ro_probe VALUES (1)") }
            }
            #expect(inReadOnlyTransaction?.code == .readOnlySQLTransaction)
            #expect(inReadOnlyTransaction?.kind == .server)
            let samePID = try await pool.withConnection { $0.backendPID }
            #expect(samePID == firstPID)

            let onReadOnlyServer = await #expect(throws: PQError.self) {
                try await pool.withConnection { conn in
                    // What a session sees on a server that became read-only for everyone.
                    try conn.execute(script: "SET default_transaction_read_only TO on")
                    try conn.execute("INSERT INTO ro_probe VALUES (1)")
                }
            }
            #expect(onReadOnlyServer?.code == .readOnlySQLTransaction)
            #expect(onReadOnlyServer?.kind == .connection)
            #expect(pool.statistics.idle == 0)
            let secondPID = try await pool.withConnection { $0.backendPID }
            #expect(secondPID != firstPID)
        }
    }

    /// A connection lost while COMMIT is in flight says so (`stage == .commit`): the transaction
    /// may have committed, so only idempotent work may run again. One lost before COMMIT does not.
    @Test func lostDuringCommitIsMarked() async throws {
        try await withPool("pool", options: TestCluster.options(maxConnections: 1)) { pool in
            try await pool.withConnection { conn in
                try conn.execute(
                    script: """
                        DROP TABLE IF EXISTS commit_probe;
                        CREATE TABLE commit_probe (x int);
                        CREATE OR REPLACE FUNCTION commit_probe_kill() RETURNS trigger LANGUAGE plpgsql AS
                            $$ BEGIN PERFORM pg_terminate_backend(pg_backend_pid()); RETURN NULL; END $$;
                        CREATE CONSTRAINT TRIGGER commit_probe_kill AFTER INSERT ON commit_probe
                            DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION commit_probe_kill();
                        """)
            }
            let atCommit = await #expect(throws: PQError.self) {
                try await pool.withTransaction { conn in try conn.execute("INSERT INTO commit_probe VALUES (1)") }
            }
            #expect(atCommit?.kind == .connection)
            #expect(atCommit?.stage == .commit)

            let beforeCommit = await #expect(throws: PQError.self) {
                try await pool.withTransaction { conn in
                    _ = try? conn.query(Query(unsafeSQL: "SELECT pg_terminate_backend($1)", binds: [Int(conn.backendPID)]))
                    _ = try conn.query("SELECT 1")
                }
            }
            #expect(beforeCommit?.kind == .connection)
            #expect(beforeCommit?.stage == nil)
            let stored = try await pool.withConnection { try $0.queryFirst("SELECT count(*) FROM commit_probe")!.decode(0, as: Int.self) }
            #expect(stored == 0)
        }
    }
}

@Suite("PQPool: waiting and lifecycle")
struct PoolLifecycleTests {
    @Test func cancellingAWaiterFreesItsPlace() async throws {
        try await withPool("pool", options: TestCluster.options(maxConnections: 1, acquireTimeout: .seconds(10))) { pool in
            let holder = Task { try await pool.withConnection { try $0.execute("SELECT pg_sleep(3)") } }
            try await waitUntil { pool.statistics.inUse == 1 }
            let waiter = Task { try await pool.withConnection { _ in 1 } }
            try await waitUntil { pool.statistics.waiting == 1 }
            #expect(pool.statistics.waiting == 1)
            let started = ContinuousClock.now
            waiter.cancel()
            let result = await waiter.result
            // Well before the holder lets go (6 s): the cancelled waiter did not wait for it.
            #expect(ContinuousClock.now - started < .seconds(2))
            #expect(failureKind(result) == .cancelled)
            #expect(pool.statistics.waiting == 0)
            _ = try await holder.value
            #expect(try await pool.withConnection { _ in 2 } == 2)
        }
    }

    @Test func runClosesThePoolWhenCancelled() async throws {
        let configuration = try await TestCluster.shared.database("pool")
        let pool = PQPool(configuration: configuration, options: TestCluster.options(maxConnections: 2), logger: TestCluster.logger)
        let service = Task { try await pool.run() }
        try await pool.ping()
        #expect(pool.statistics.idle == 1)
        service.cancel()
        try await service.value
        let error = await #expect(throws: PQError.self) { try await pool.ping() }
        #expect(error?.kind == .poolClosed)
        #expect(pool.statistics.idle == 0)
    }
}

private func failureKind<T>(_ result: Result<T, any Error>) -> PQError.Kind? {
    if case .failure(let error) = result { return (error as? PQError)?.kind }
    return nil
}

/// Polls `condition` every 10 ms for up to 5 s (the machine may be busy), failing if it never holds.
private func waitUntil(_ condition: () -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(5)
    while !condition() {
        guard ContinuousClock.now < deadline else {
            Issue.record("condition not reached within 5 s")
            return
        }
        try await Task.sleep(for: .milliseconds(10))
    }
}
