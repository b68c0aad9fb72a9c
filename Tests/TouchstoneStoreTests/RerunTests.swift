import PQ
import Testing

@testable import TouchstoneStore

/// Which failures each ``Rerun`` policy runs work again after (a failover's lost server).
@Suite("Rerun after a lost server")
struct RerunTests {
    static let lost = PQError(kind: .connection, message: "server closed the connection unexpectedly")
    static let shutdown = PQError(kind: .connection, code: .adminShutdown, message: "terminating connection due to administrator command")
    static var atCommit: PQError { var e = lost; e.stage = .commit; return e }
    static var noServer: PQError { var e = lost; e.stage = .connecting; return e }
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
