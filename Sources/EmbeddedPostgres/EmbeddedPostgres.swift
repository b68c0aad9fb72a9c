public import Foundation
public import Logging

/// A private PostgreSQL cluster under a home directory (default `./.touchstone`, or `$TOUCHSTONE_HOME`).
///
/// ```swift
/// let pg = EmbeddedPostgres(logger: logger)
/// let endpoint = try pg.start()          // initdb on first use, then pg_ctl start; idempotent
/// let params = endpoint.parameters(database: "touchstone")  // host=<socket dir> port user dbname
/// ```
///
/// Layout: `home/pgdata` (the cluster), `home/postgres.log` (server log), `home/run` (the unix socket
/// directory; `/tmp/touchstone-<hash>` when `home/run` is too long for a socket path), `home/.lock`
/// (an `flock` that serialises ``start()``/``stop()`` across processes). The server listens only on the
/// private unix socket (`listen_addresses=''`), never on TCP.
///
/// Running as root: PostgreSQL refuses to run as root, so the binaries run as Debian's `postgres` user
/// (`runuser -u postgres --`), or, if that user does not exist, as a system user `touchstone` created with
/// `useradd --system`. The data and socket directories are given to that user. If a parent of `home` is
/// not traversable by that user (e.g. `/root` is `0700`), the data directory is placed at
/// `/var/lib/touchstone/<hash-of-home>/pgdata` instead (server log beside it), the socket directory at
/// `/tmp/touchstone-<hash>`, and `home/pgdata.location` records where.
///
/// All methods block (they run `initdb`/`pg_ctl` as child processes); call them from a CLI or a test
/// helper, not from a request handler.
public struct EmbeddedPostgres: Sendable {
    /// Where to reach a running cluster.
    public struct Endpoint: Sendable, Hashable, CustomStringConvertible {
        /// The unix socket directory (libpq `host`).
        public var socketDirectory: String
        /// The port, which names the socket file `.s.PGSQL.<port>`.
        public var port: Int
        /// The superuser name (`postgres`).
        public var user: String
        /// The default database (`postgres`).
        public var database: String

        /// libpq keyword/value pairs for this endpoint: `host`, `port`, `user`, `dbname`.
        /// - Parameter database: The database to connect to; default ``database``.
        public func parameters(database: String? = nil) -> [(String, String)] {
            [("host", socketDirectory), ("port", String(port)), ("user", user), ("dbname", database ?? self.database)]
        }

        public var description: String { "\(socketDirectory)/.s.PGSQL.\(port) user=\(user) dbname=\(database)" }
    }

    /// Whether the cluster exists and runs.
    public enum Status: Sendable, Hashable {
        /// `initdb` has not run yet.
        case notInitialized
        /// Initialised but not running.
        case stopped
        /// Running, with the postmaster's process id and where to reach it.
        case running(pid: Int32, endpoint: Endpoint)
    }

    /// The home directory (holds `pgdata`, `postgres.log`, `run`, `.lock`).
    public let home: URL
    /// The port number naming the unix socket.
    public let port: Int
    /// The server's `max_connections` when this handle starts it.
    public let maxConnections: Int
    let logger: Logger
    let explicitBinDirectory: String?

    /// Creates a handle; nothing happens until ``start()``.
    /// - Parameters:
    ///   - home: The home directory; default `$TOUCHSTONE_HOME` or `./.touchstone`.
    ///   - port: The port naming the socket file (no TCP listener). Default 5432.
    ///   - maxConnections: `max_connections` of a server this handle starts. Default 100.
    ///   - binDirectory: The PostgreSQL bin directory; default from `pg_config --bindir`, else the newest
    ///     `/usr/lib/postgresql/*/bin`.
    ///   - logger: Receives debug messages.
    public init(home: URL? = nil, port: Int = 5432, maxConnections: Int = 100, binDirectory: String? = nil, logger: Logger) {
        self.home = (home ?? Self.defaultHome()).standardizedFileURL
        self.port = port
        self.maxConnections = maxConnections
        self.explicitBinDirectory = binDirectory
        self.logger = logger
    }

    /// `$TOUCHSTONE_HOME`, or `./.touchstone` under the current directory.
    public static func defaultHome(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let path = environment["TOUCHSTONE_HOME"], !path.isEmpty {
            return URL(fileURLWithPath: path, isDirectory: true)
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
            .appendingPathComponent(".touchstone", isDirectory: true)
    }

    /// Initialises the cluster if needed and starts it if it is not running; returns where to reach it.
    ///
    /// Idempotent and safe to call from several processes at once (serialised by `home/.lock`). Reuses a
    /// running cluster. Recovers from a crash (stale `postmaster.pid`, leftover socket lock file,
    /// orphaned backends still attached to shared memory) by retrying for a few seconds.
    /// - Throws: ``EmbeddedPostgresError`` with the tail of the server log when the server will not start.
    @discardableResult
    public func start() throws -> Endpoint {
        try withHomeLock {
            let layout = try prepareLayout()
            removeOrphanedFallbacks(layout)
            if !FileManager.default.fileExists(atPath: layout.dataDirectory + "/PG_VERSION") {
                try initdb(layout)
            }
            if let running = try runningEndpoint(layout) ?? waitWhileStarting(layout) {
                logger.debug("embedded postgres already running", metadata: ["pg.endpoint": "\(running.endpoint)"])
                return running.endpoint
            }
            return try startServer(layout)
        }
    }

    /// Stops the cluster (`pg_ctl stop -m fast`) if it runs.
    public func stop() throws {
        try withHomeLock {
            let layout = try prepareLayout()
            guard FileManager.default.fileExists(atPath: layout.dataDirectory + "/PG_VERSION") else { return }
            guard try runningEndpoint(layout) != nil else { return }
            let result = try run(
                tool: "pg_ctl", ["stop", "-D", layout.dataDirectory, "-m", "fast", "-w", "-t", "60"], layout: layout)
            guard result.status == 0 else {
                throw EmbeddedPostgresError("pg_ctl stop failed (\(result.status)): \(result.output)")
            }
            logger.debug("embedded postgres stopped")
        }
    }

    /// Stops the cluster if it runs and deletes its data directory and server log, wherever the
    /// layout put them (the home, or the fallback under `/var/lib/touchstone`): the next
    /// ``start()`` initialises a new, empty cluster.
    public func destroy() throws {
        try stop()
        try withHomeLock {
            let layout = try prepareLayout()
            for path in [layout.dataDirectory, layout.logFile] where FileManager.default.fileExists(atPath: path) {
                try FileManager.default.removeItem(atPath: path)
            }
        }
    }

    /// Reports whether the cluster is initialised and running.
    public func status() throws -> Status {
        let layout = try prepareLayout()
        guard FileManager.default.fileExists(atPath: layout.dataDirectory + "/PG_VERSION") else { return .notInitialized }
        if let running = try runningEndpoint(layout) {
            return .running(pid: running.pid, endpoint: running.endpoint)
        }
        return .stopped
    }

    /// The data directory in use (`home/pgdata`, or the root fallback described in the type docs).
    public func dataDirectory() throws -> String {
        try prepareLayout().dataDirectory
    }

    // MARK: Server

    private func initdb(_ layout: Layout) throws {
        let fm = FileManager.default
        let temporary = layout.dataDirectory + ".initdb-tmp"
        try? fm.removeItem(atPath: temporary)
        try makeDirectory(temporary, mode: 0o700, owner: layout.runAs)
        logger.debug("embedded postgres initdb", metadata: ["pg.data": "\(layout.dataDirectory)"])
        var arguments = ["-D", temporary, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-instructions"]
        var result = try run(tool: "initdb", arguments + ["--locale=C.UTF-8"], layout: layout)
        if result.status != 0 {
            // Older systems lack C.UTF-8: fall back to the C locale.
            try? fm.removeItem(atPath: temporary)
            try makeDirectory(temporary, mode: 0o700, owner: layout.runAs)
            arguments.append("--locale=C")
            result = try run(tool: "initdb", arguments, layout: layout)
        }
        guard result.status == 0 else {
            try? fm.removeItem(atPath: temporary)
            throw EmbeddedPostgresError("initdb failed (\(result.status)): \(result.output)")
        }
        if fm.fileExists(atPath: layout.dataDirectory) {
            // A directory without PG_VERSION is an interrupted earlier attempt; nothing of value is in it.
            try fm.removeItem(atPath: layout.dataDirectory)
        }
        try fm.moveItem(atPath: temporary, toPath: layout.dataDirectory)
    }

    private func startServer(_ layout: Layout) throws -> Endpoint {
        try makeDirectory(layout.socketDirectory, mode: 0o700, owner: layout.runAs)
        removeStaleFiles(layout)
        let logFile = layout.logFile
        if !FileManager.default.fileExists(atPath: logFile) {
            _ = FileManager.default.createFile(atPath: logFile, contents: nil, attributes: [.posixPermissions: 0o640])
        }
        if let user = layout.runAs { try chown(logFile, to: user) }
        let serverOptions = "-k \(layout.socketDirectory) -c listen_addresses='' -p \(port) -c max_connections=\(maxConnections)"
        let deadline = Date().addingTimeInterval(15)
        var attempt = 0
        while true {
            attempt += 1
            let result = try run(
                tool: "pg_ctl",
                ["start", "-w", "-t", String(Int(Self.startTimeout)), "-D", layout.dataDirectory, "-l", logFile, "-o", serverOptions],
                layout: layout)
            if let running = try runningEndpoint(layout) ?? waitWhileStarting(layout) {
                logger.debug("embedded postgres started", metadata: ["pg.endpoint": "\(running.endpoint)", "pg.attempts": "\(attempt)"])
                return running.endpoint
            }
            let diagnostics = result.output + "\n" + tail(of: logFile, lines: 5)
            let retryable = ["lock file", "shared memory", "another postmaster", "Address already in use"].contains {
                diagnostics.localizedCaseInsensitiveContains($0)
            }
            if !retryable || Date() > deadline {
                throw EmbeddedPostgresError(
                    "postgres did not start (pg_ctl exit \(result.status)): \(result.output)\n--- \(logFile) (tail) ---\n\(tail(of: logFile))")
            }
            // After a crash, orphaned backends may still hold the old shared memory for a moment.
            logger.debug("embedded postgres start failed; retrying", metadata: ["pg.output": "\(result.output)"])
            Thread.sleep(forTimeInterval: 0.5)
            removeStaleFiles(layout)
        }
    }

    /// How long a start may take: crash recovery on a busy machine can take minutes.
    static let startTimeout: TimeInterval = 300

    /// Waits while a live postmaster is still starting up (recovering after a crash), and
    /// returns it once it accepts connections; nil when no postmaster is alive.
    private func waitWhileStarting(_ layout: Layout) throws -> (pid: Int32, endpoint: Endpoint)? {
        let deadline = Date().addingTimeInterval(Self.startTimeout)
        while let info = PostmasterPID(path: layout.dataDirectory + "/postmaster.pid"), Self.isPostgresProcess(info.pid), Date() < deadline {
            if let running = try runningEndpoint(layout) { return running }
            logger.debug("embedded postgres is starting; waiting", metadata: ["pg.pid": "\(info.pid)"])
            Thread.sleep(forTimeInterval: 0.2)
        }
        return try runningEndpoint(layout)
    }

    /// Removes a `postmaster.pid` and socket lock file whose process is gone (after `kill -9` or a reboot).
    private func removeStaleFiles(_ layout: Layout) {
        let pidFile = layout.dataDirectory + "/postmaster.pid"
        if let info = PostmasterPID(path: pidFile), !Self.isPostgresProcess(info.pid) {
            logger.debug("removing stale postmaster.pid", metadata: ["pg.pid": "\(info.pid)"])
            try? FileManager.default.removeItem(atPath: pidFile)
        }
        let lockFile = "\(layout.socketDirectory)/.s.PGSQL.\(port).lock"
        if let text = try? String(contentsOfFile: lockFile, encoding: .utf8),
            let pid = Int32(text.split(separator: "\n").first?.trimmingCharacters(in: .whitespaces) ?? ""),
            !Self.isPostgresProcess(pid)
        {
            try? FileManager.default.removeItem(atPath: lockFile)
            try? FileManager.default.removeItem(atPath: "\(layout.socketDirectory)/.s.PGSQL.\(port)")
        }
    }

    /// The running postmaster, if `postmaster.pid` names a live postgres process whose socket exists.
    private func runningEndpoint(_ layout: Layout) throws -> (pid: Int32, endpoint: Endpoint)? {
        guard let info = PostmasterPID(path: layout.dataDirectory + "/postmaster.pid") else { return nil }
        guard Self.isPostgresProcess(info.pid), info.status == "ready" || info.status == nil else { return nil }
        guard let socketDirectory = info.socketDirectory, let port = info.port else { return nil }
        guard FileManager.default.fileExists(atPath: "\(socketDirectory)/.s.PGSQL.\(port)") else { return nil }
        return (info.pid, Endpoint(socketDirectory: socketDirectory, port: port, user: "postgres", database: "postgres"))
    }

    /// Whether `pid` is alive and (on Linux) a postgres process, so a recycled PID is not mistaken for the server.
    static func isPostgresProcess(_ pid: Int32) -> Bool {
        guard pid > 0, kill(pid, 0) == 0 || errno == EPERM else { return false }
        #if os(Linux)
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
        // "pid (comm) state …": a zombie ("Z") is dead for our purposes.
        guard let close = status.lastIndex(of: ")") else { return false }
        let comm = status[status.index(after: status.startIndex)..<close]
        let state = status[status.index(after: close)...].trimmingCharacters(in: .whitespaces).prefix(1)
        return state != "Z" && (comm.contains("postgres") || comm.contains("postmaster"))
        #else
        return true
        #endif
    }

    private func tail(of path: String, lines: Int = 20) -> String {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return "" }
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }
}

/// An error from ``EmbeddedPostgres``, with the tool output or server log tail.
public struct EmbeddedPostgresError: Error, CustomStringConvertible {
    /// What went wrong.
    public var message: String
    /// Creates an error.
    public init(_ message: String) { self.message = message }
    public var description: String { "EmbeddedPostgresError: \(message)" }
}

/// The fields of `postmaster.pid` we use.
struct PostmasterPID {
    var pid: Int32
    var port: Int?
    var socketDirectory: String?
    var status: String?

    init?(path: String) {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        guard let first = lines.first, let pid = Int32(first) else { return nil }
        self.pid = pid
        self.port = lines.count > 3 ? Int(lines[3]) : nil
        self.socketDirectory = lines.count > 4 && !lines[4].isEmpty ? lines[4] : nil
        self.status = lines.count > 7 && !lines[7].isEmpty ? lines[7] : nil
    }
}
