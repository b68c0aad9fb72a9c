import Foundation
import Logging
import PQ
import Testing
import TouchstoneStore
import TouchstoneTestSupport

@Suite struct MigratorTests {
    @Test func appliesOnceRecordsChecksumsAndRefusesChangedFiles() async throws {
        let logger = Logger(label: "test")
        let pool = TestDatabase.pool(
            try await TestDatabase.freshDatabaseParameters().loggingIn(as: DatabaseProvisioning.ownerLogin), maxConnections: 2)
        let migrator = try Migrator(directory: TestDatabase.sqlDirectory)
        #expect(try await !migrator.isCurrent(on: pool))
        let applied = try await migrator.apply(on: pool, logger: logger)
        #expect(applied == migrator.migrations.map(\.version))
        #expect(try await migrator.apply(on: pool, logger: logger).isEmpty)
        #expect(try await migrator.isCurrent(on: pool))

        // A copy of sql/ whose first file changed after it was applied is refused.
        let changed = FileManager.default.temporaryDirectory.appendingPathComponent("sql-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: TestDatabase.sqlDirectory, to: changed)
        defer { try? FileManager.default.removeItem(at: changed) }
        let first = changed.appendingPathComponent("0001_foundation.sql")
        try (try String(contentsOf: first, encoding: .utf8) + "\n-- edited\n").write(to: first, atomically: true, encoding: .utf8)
        await #expect(throws: Migrator.Failure.changedAfterApply(version: 1, name: "foundation")) {
            try await Migrator(directory: changed).apply(on: pool, logger: logger)
        }
        await pool.close()
    }

    @Test func concurrentStartsDoNotRace() async throws {
        let logger = Logger(label: "test")
        let owner = try await TestDatabase.freshDatabaseParameters().loggingIn(as: DatabaseProvisioning.ownerLogin)
        let migrator = try Migrator(directory: TestDatabase.sqlDirectory)
        let counts = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<3 {
                group.addTask {
                    let pool = TestDatabase.pool(owner, maxConnections: 1)
                    let applied = try await migrator.apply(on: pool, logger: logger)
                    await pool.close()
                    return applied.count
                }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(counts.sorted() == [0, 0, migrator.migrations.count])
    }
}
