import Foundation
import PQ
import Testing

@testable import EmbeddedPostgres

@Suite("EmbeddedPostgres lifecycle", .serialized)
final class EmbeddedPostgresTests {
    let postgres = EmbeddedPostgres(home: TestCluster.home("lifecycle"), logger: TestCluster.logger)

    /// Each test leaves the lifecycle cluster stopped, so no server outlives the suite.
    deinit { try? postgres.stop() }

    func query(_ endpoint: EmbeddedPostgres.Endpoint) async throws -> Int {
        let pool = PQPool(
            configuration: PQConfiguration(parameters: endpoint.parameters()), options: TestCluster.options(maxConnections: 1),
            logger: TestCluster.logger)
        defer { Task { await pool.close() } }
        return try await pool.withConnection { try $0.queryFirst("SELECT 40 + 2")!.decode(0, as: Int.self) }
    }

    @Test func startIsIdempotentAndStopStartWorks() async throws {
        let first = try postgres.start()
        let second = try postgres.start()
        #expect(first == second)
        #expect(try await query(first) == 42)
        guard case .running(let pid, _) = try postgres.status() else {
            Issue.record("expected running")
            return
        }
        #expect(pid > 0)
        try postgres.stop()
        #expect(try postgres.status() == .stopped)
        try postgres.stop()  // stopping a stopped cluster is a no-op
        let third = try postgres.start()
        #expect(try await query(third) == 42)
    }

    @Test func concurrentStartsAgree() async throws {
        try postgres.stop()
        let pg = postgres
        let endpoints = try await withThrowingTaskGroup(of: EmbeddedPostgres.Endpoint.self) { group in
            for _ in 0..<3 { group.addTask { try pg.start() } }
            var all: [EmbeddedPostgres.Endpoint] = []
            for try await endpoint in group { all.append(endpoint) }
            return all
        }
        #expect(Set(endpoints).count == 1)
        #expect(try await query(endpoints[0]) == 42)
    }

    @Test func recoversAfterKill9() async throws {
        let endpoint = try postgres.start()
        guard case .running(let pid, _) = try postgres.status() else {
            Issue.record("expected running")
            return
        }
        #expect(kill(pid, SIGKILL) == 0)
        // Wait for the postmaster to be gone (it may linger briefly as a zombie of no one we own).
        for _ in 0..<50 where kill(pid, 0) == 0 { try await Task.sleep(for: .milliseconds(20)) }
        let restarted = try postgres.start()
        #expect(restarted == endpoint)
        #expect(try await query(restarted) == 42)
    }

    /// Fallback directories whose home is gone are removed, their server stopped first; the others
    /// (home present, a server that did not stop, home not named) stay.
    @Test func orphanedFallbackDirectoriesAreRemoved() throws {
        let fm = FileManager.default
        let root = NSTemporaryDirectory() + "pqtest-fallback-\(getpid())"
        defer { try? fm.removeItem(atPath: root) }
        let gone = root + "/no-such-home"
        let exited = Process()
        exited.executableURL = URL(fileURLWithPath: "/bin/true")
        try exited.run()
        exited.waitUntilExit()
        let running = getpid()
        let directories: [(name: String, home: String?, pid: Int32?)] = [
            ("orphan", gone, nil), ("orphan-stale-pid", gone, exited.processIdentifier), ("home-present", root, nil),
            ("server-running", gone, running), ("server-stopped", gone, running), ("unnamed", nil, nil),
        ]
        for directory in directories {
            let path = root + "/" + directory.name
            try fm.createDirectory(atPath: path + "/pgdata", withIntermediateDirectories: true)
            if let home = directory.home { try home.write(toFile: path + "/home", atomically: true, encoding: .utf8) }
            if let pid = directory.pid { try "\(pid)\n/data\n".write(toFile: path + "/pgdata/postmaster.pid", atomically: true, encoding: .utf8) }
        }
        var stopped: [String] = []
        // The server of "server-stopped" stops when asked; that of "server-running" does not.
        let removed = EmbeddedPostgres.removeOrphans(in: root) { dataDirectory in
            stopped.append(dataDirectory)
            return dataDirectory.hasSuffix("server-stopped/pgdata")
        }
        #expect(Set(stopped) == [root + "/server-running/pgdata", root + "/server-stopped/pgdata"])
        #expect(Set(removed) == [root + "/orphan", root + "/orphan-stale-pid", root + "/server-stopped"])
        #expect(try Set(fm.contentsOfDirectory(atPath: root)) == ["home-present", "server-running", "unnamed"])
    }

    /// As root, a home whose parent the `postgres` user cannot traverse puts pgdata and the socket elsewhere.
    @Test(.enabled(if: geteuid() == 0, "only meaningful as root"))
    func untraversableHomeFallsBack() async throws {
        let parent = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("pqtest-private-\(getpid())")
        try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: parent) }
        let pg = EmbeddedPostgres(home: parent.appendingPathComponent("home"), logger: TestCluster.logger)
        let dataDirectory = try pg.dataDirectory()
        let endpoint = try pg.start()
        // Stopped while its socket directory is still there: stop() finds a running server through it.
        defer {
            try? pg.stop()
            try? FileManager.default.removeItem(atPath: (dataDirectory as NSString).deletingLastPathComponent)
            try? FileManager.default.removeItem(atPath: endpoint.socketDirectory)
        }
        #expect(!dataDirectory.hasPrefix(parent.path))
        #expect(!endpoint.socketDirectory.hasPrefix(parent.path))
        #expect(FileManager.default.fileExists(atPath: parent.appendingPathComponent("home/pgdata.location").path))
        let fallback = (dataDirectory as NSString).deletingLastPathComponent
        #expect(try String(contentsOfFile: fallback + "/home", encoding: .utf8) == parent.appendingPathComponent("home").path)
        #expect(try await query(endpoint) == 42)
    }
}
