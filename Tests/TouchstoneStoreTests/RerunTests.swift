import Foundation
import PQ
import Testing
import TouchstoneTestSupport

@testable import TouchstoneStore

/// Which failures each ``Rerun`` policy runs work again after (a failover's lost server).
@Suite("Rerun after a lost server")
struct RerunTests {
    static let lost = PQError(kind: .connection, message: "server closed the connection unexpectedly")
    static let shutdown = PQError(kind: .connection, code: .adminShutdown, message: "terminating connection due to administrator command")
    static var atCommit: PQError {
        var e = lost
        e.stage = .commit
        return e
    }
    static var noServer: PQError {
        var e = lost
        e.stage = .connecting
        return e
    }
    static let statementFailed = PQError(kind: .server, code: .uniqueViolation, message: "duplicate key")
    static let poolTimeout = PQError(kind: .poolTimeout, message: "no connection")
    static let readOnlyTransaction = PQError(kind: .server, code: .readOnlySQLTransaction, message: "read-only transaction")

    @Test func neverRunsAgain() {
        for error in [Self.lost, Self.shutdown, Self.atCommit, Self.noServer] {
            #expect(!Rerun.never.allows(error))
        }
    }

    @Test func uncommittedRunsAgainOnlyWhenNothingCanHaveCommitted() {
        #expect(Rerun.uncommitted.allows(Self.lost))
        #expect(Rerun.uncommitted.allows(Self.shutdown))
        #expect(!Rerun.uncommitted.allows(Self.atCommit))
    }

    @Test func alwaysRunsAgainEvenAfterALostCommit() {
        #expect(Rerun.always.allows(Self.lost))
        #expect(Rerun.always.allows(Self.atCommit))
    }

    /// No server to connect to (no primary yet): the caller gets a 503 at once, not a wait here.
    @Test func noneRunsAgainWhenNoServerCanBeReached() {
        for policy in [Rerun.never, .uncommitted, .always] {
            #expect(!policy.allows(Self.noServer))
            #expect(!policy.allows(Self.poolTimeout))
            #expect(!policy.allows(Self.statementFailed))
            #expect(!policy.allows(Self.readOnlyTransaction))
        }
    }
}

/// ``Database/tenantTransaction(_:readOnly:rerun:_:)`` against a real server whose backend goes away.
@Suite("Rerun on a real connection")
struct RerunIntegrationTests {
    /// The backend of each run, in order.
    final class Runs: @unchecked Sendable {
        private let lock = NSLock()
        private var pids: [Int32] = []
        func next(_ pid: Int32) -> Int {
            lock.withLock {
                pids.append(pid)
                return pids.count
            }
        }
        var backends: [Int32] { lock.withLock { pids } }
    }

    /// The first run loses its backend (as when the primary dies); with `.always` the work runs
    /// again on a new connection and succeeds; with `.never` the caller gets `unavailable` (503).
    @Test func workRunsAgainOnANewConnectionOnlyWhenAllowed() async throws {
        let (database, tenant) = try await TestDatabase.make()
        let runs = Runs()
        let answer = try await database.tenantTransaction(tenant, readOnly: true, rerun: .always) { conn -> Int in
            if runs.next(conn.backendPID) == 1 {
                _ = try? conn.query("SELECT pg_terminate_backend(pg_backend_pid())")
            }
            return try conn.queryFirst("SELECT 42")!.decode(0, as: Int.self)
        }
        #expect(answer == 42)
        #expect(runs.backends.count == 2)
        #expect(Set(runs.backends).count == 2, "the second run has a new connection")

        let once = Runs()
        await #expect(throws: StoreError.unavailable("the database cannot be reached")) {
            try await database.tenantTransaction(tenant, readOnly: true) { conn in
                _ = once.next(conn.backendPID)
                _ = try? conn.query("SELECT pg_terminate_backend(pg_backend_pid())")
                _ = try conn.query("SELECT 1")
            }
        }
        #expect(once.backends.count == 1)
    }
}
