import Foundation
import Logging
import Testing
import TouchstoneStore

@testable import TouchstoneServer

/// The background runs of the import page: progress while going, one run per upload at a time, failures kept.
@Suite("Pages: import runs") struct ImportRunsTests {
    /// Waits (up to 10 s) until `condition` holds.
    static func until(_ condition: () -> Bool) async throws {
        for _ in 0..<1000 where !condition() { try await Task.sleep(for: .milliseconds(10)) }
    }

    @Test func aRunShowsItsRowsUntilItEndsAndKeepsItsFailure() async throws {
        let runs = ImportRuns()
        let logger = Logger(label: "test")
        let gate = AsyncStream<Void>.makeStream()
        #expect(
            runs.start(.checking, tenantID: 1, uploadID: 7, logger: logger) { progress in
                progress(1000)
                progress(2000)
                for await _ in gate.stream { break }
            })
        try await Self.until { runs.run(tenantID: 1, uploadID: 7)?.rows == 2000 }
        let going = try #require(runs.run(tenantID: 1, uploadID: 7))
        #expect(going.rows == 2000 && !going.finished && going.work == .checking)
        #expect(!runs.start(.applying, tenantID: 1, uploadID: 7, logger: logger) { _ in })
        #expect(runs.run(tenantID: 2, uploadID: 7) == nil)

        gate.continuation.yield(())
        try await Self.until { runs.run(tenantID: 1, uploadID: 7)?.finished == true }
        #expect(runs.run(tenantID: 1, uploadID: 7)?.failure == nil)

        #expect(runs.start(.applying, tenantID: 1, uploadID: 7, logger: logger) { _ in throw StoreError.busy("the daemon is shutting down") })
        try await Self.until { runs.run(tenantID: 1, uploadID: 7)?.finished == true }
        let failed = try #require(runs.run(tenantID: 1, uploadID: 7))
        #expect(failed.work == .applying)
        #expect(failed.failure == "the daemon is shutting down")
    }
}
