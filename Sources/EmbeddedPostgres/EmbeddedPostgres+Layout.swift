import Foundation
import Logging

extension EmbeddedPostgres {
    /// Resolved paths and the OS user the server runs as (`nil`: the current user).
    struct Layout {
        var dataDirectory: String
        var socketDirectory: String
        /// The server log: `home/postgres.log`, or beside the fallback data directory.
        var logFile: String
        var binDirectory: String
        var runAs: String?
    }

    /// Creates `home` and decides the data directory, the socket directory and the server's OS user.
    func prepareLayout() throws -> Layout {
        try makeDirectory(home.path, mode: 0o755, owner: nil)
        let binDirectory = try findBinDirectory()
        let runAs: String? = geteuid() == 0 ? try serverUser() : nil

        var dataDirectory = home.appendingPathComponent("pgdata").path
        var logFile = home.appendingPathComponent("postgres.log").path
        if let runAs, !isTraversable(home.path, by: runAs) {
            let fallback = "\(Self.fallbackRoot)/\(Self.hash(home.path))"
            try makeDirectory(Self.fallbackRoot, mode: 0o755, owner: nil)
            try makeDirectory(fallback, mode: 0o755, owner: nil)
            try home.path.write(toFile: fallback + "/" + Self.ownerFile, atomically: true, encoding: .utf8)
            dataDirectory = fallback + "/pgdata"
            logFile = fallback + "/postgres.log"
            let note =
                "The data directory for this home is \(dataDirectory) (server log \(logFile)): a parent of \(home.path) is not traversable by the '\(runAs)' user that runs PostgreSQL.\n"
            try? note.write(toFile: home.appendingPathComponent("pgdata.location").path, atomically: true, encoding: .utf8)
        }

        var socketDirectory = home.appendingPathComponent("run").path
        let socketPathLength = (socketDirectory + "/.s.PGSQL.\(port).lock").utf8.count
        if socketPathLength > 90 || (runAs != nil && !isTraversable(home.path, by: runAs!)) {
            socketDirectory = "/tmp/touchstone-\(Self.hash(home.path))"
        }
        return Layout(
            dataDirectory: dataDirectory, socketDirectory: socketDirectory, logFile: logFile, binDirectory: binDirectory,
            runAs: runAs)
    }

    /// Where the clusters of homes PostgreSQL's user cannot enter are kept, one directory per home.
    static let fallbackRoot = "/var/lib/touchstone"

    /// The file of a fallback directory that names its home.
    static let ownerFile = "home"

    /// Stops and removes the fallback clusters of homes that no longer exist (``removeOrphans(in:stoppingWith:)``),
    /// when this home's cluster is a fallback too; `start()` calls it.
    func removeOrphanedFallbacks(_ layout: Layout) {
        guard layout.dataDirectory.hasPrefix(Self.fallbackRoot + "/") else { return }
        let stopped = { (dataDirectory: String) -> Bool in
            var orphan = layout
            orphan.dataDirectory = dataDirectory
            return (try? self.run(tool: "pg_ctl", ["stop", "-D", dataDirectory, "-m", "fast", "-w", "-t", "60"], layout: orphan))?.status == 0
        }
        for removed in Self.removeOrphans(in: Self.fallbackRoot, stoppingWith: stopped) {
            logger.info("removed the cluster of a home that no longer exists", metadata: ["directory": "\(removed)"])
        }
    }

    /// Removes the fallback directories (and their socket directories) under `root` whose home no
    /// longer exists (a clone deleted with `rm -rf`): nothing else would ever remove them, and each
    /// holds a whole cluster. A server still running there is stopped first with `stop` (given the
    /// data directory; false: it was not, and the directory stays). A directory that does not name
    /// its home (made before it was written there) is left alone.
    /// - Returns: the directories removed.
    static func removeOrphans(in root: String, stoppingWith stop: (String) -> Bool) -> [String] {
        let fm = FileManager.default
        var removed: [String] = []
        for name in (try? fm.contentsOfDirectory(atPath: root)) ?? [] {
            let directory = root + "/" + name
            guard let owner = try? String(contentsOfFile: directory + "/" + ownerFile, encoding: .utf8), !fm.fileExists(atPath: owner)
            else { continue }
            if let pidFile = try? String(contentsOfFile: directory + "/pgdata/postmaster.pid", encoding: .utf8),
                let pid = pid_t(pidFile.prefix { $0 != "\n" }), kill(pid, 0) == 0 || errno == EPERM, !stop(directory + "/pgdata")
            {
                continue
            }
            guard (try? fm.removeItem(atPath: directory)) != nil else { continue }
            try? fm.removeItem(atPath: "/tmp/touchstone-\(name)")
            removed.append(directory)
        }
        return removed
    }

    /// `pg_config --bindir` if it holds `pg_ctl`, else the newest `/usr/lib/postgresql/*/bin`.
    func findBinDirectory() throws -> String {
        let fm = FileManager.default
        if let explicit = explicitBinDirectory { return explicit }
        if let pgConfig = Self.which("pg_config"),
            let output = try? Self.capture(pgConfig, ["--bindir"]),
            output.status == 0
        {
            let dir = output.output.trimmingCharacters(in: .whitespacesAndNewlines)
            if fm.isExecutableFile(atPath: dir + "/pg_ctl") { return dir }
        }
        let root = "/usr/lib/postgresql"
        let versions = ((try? fm.contentsOfDirectory(atPath: root)) ?? [])
            .compactMap { name -> (Double, String)? in Double(name).map { ($0, name) } }
            .sorted { $0.0 > $1.0 }
        for (_, name) in versions where fm.isExecutableFile(atPath: "\(root)/\(name)/bin/pg_ctl") {
            return "\(root)/\(name)/bin"
        }
        if let pgCtl = Self.which("pg_ctl") { return (pgCtl as NSString).deletingLastPathComponent }
        throw EmbeddedPostgresError(
            "PostgreSQL server binaries not found (install postgresql; looked at pg_config --bindir and /usr/lib/postgresql/*/bin)")
    }

    /// As root: Debian's `postgres` user, else a `touchstone` system user (created on first use).
    func serverUser() throws -> String {
        if getpwnam("postgres") != nil { return "postgres" }
        if getpwnam("touchstone") == nil {
            logger.debug("creating system user touchstone to run PostgreSQL")
            let result = try Self.capture(
                "/usr/sbin/useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "touchstone"])
            guard result.status == 0 || getpwnam("touchstone") != nil else {
                throw EmbeddedPostgresError("useradd touchstone failed: \(result.output)")
            }
        }
        return "touchstone"
    }

    /// Whether `user` can traverse `path` and every parent (execute permission by owner, group or other).
    func isTraversable(_ path: String, by user: String) -> Bool {
        guard let entry = getpwnam(user) else { return false }
        let uid = entry.pointee.pw_uid
        let gid = entry.pointee.pw_gid
        var current = URL(fileURLWithPath: path).standardizedFileURL
        while true {
            var info = stat()
            guard stat(current.path, &info) == 0 else { return false }
            let mode = info.st_mode
            let ok: Bool
            if info.st_uid == uid {
                ok = mode & S_IXUSR != 0
            } else if info.st_gid == gid {
                ok = mode & S_IXGRP != 0
            } else {
                ok = mode & S_IXOTH != 0
            }
            if !ok { return false }
            if current.path == "/" { return true }
            current = current.deletingLastPathComponent()
        }
    }

    /// Creates a directory (and parents) if missing, sets its mode, and gives it to `owner`.
    func makeDirectory(_ path: String, mode: Int, owner: String?) throws {
        let fm = FileManager.default
        if !fm.fileExists(atPath: path) {
            try fm.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: mode])
        }
        if let owner { try chown(path, to: owner) }
        _ = chmod(path, mode_t(mode))
    }

    func chown(_ path: String, to user: String) throws {
        guard let entry = getpwnam(user) else { throw EmbeddedPostgresError("no such user: \(user)") }
        guard Foundation.chown(path, entry.pointee.pw_uid, entry.pointee.pw_gid) == 0 else {
            throw EmbeddedPostgresError("chown \(path) to \(user) failed: errno \(errno)")
        }
    }

    /// Holds an exclusive `flock` on `home/.lock` while `body` runs.
    func withHomeLock<T>(_ body: () throws -> T) throws -> T {
        try makeDirectory(home.path, mode: 0o755, owner: nil)
        let path = home.appendingPathComponent(".lock").path
        let fd = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw EmbeddedPostgresError("cannot open \(path): errno \(errno)") }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else { throw EmbeddedPostgresError("flock \(path) failed: errno \(errno)") }
        }
        defer { _ = flock(fd, LOCK_UN) }
        return try body()
    }

    /// Runs a PostgreSQL tool from the bin directory, as the server user when running as root.
    func run(tool: String, _ arguments: [String], layout: Layout) throws -> (status: Int32, output: String) {
        let executable = layout.binDirectory + "/" + tool
        if let user = layout.runAs {
            if FileManager.default.isExecutableFile(atPath: "/usr/sbin/runuser") {
                return try Self.capture("/usr/sbin/runuser", ["-u", user, "--", executable] + arguments)
            }
            return try Self.capture(
                "/usr/bin/setpriv", ["--reuid=\(user)", "--regid=\(user)", "--init-groups", "--", executable] + arguments)
        }
        return try Self.capture(executable, arguments)
    }

    /// Runs a process to completion (posix_spawn + waitpid, from `/` with PG* variables removed); stdout and
    /// stderr go to a temporary file, not a pipe, so a daemon that inherits them cannot block us.
    ///
    /// Foundation's `Process.waitUntilExit()` was seen to hang on Linux when called from a Swift concurrency
    /// thread (the child became a zombie that was never reaped), so it is not used.
    static func capture(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let outputPath = FileManager.default.temporaryDirectory
            .appendingPathComponent("touchstone-pg-\(UUID().uuidString).out").path
        let outputFD = open(outputPath, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0o600)
        guard outputFD >= 0 else { throw EmbeddedPostgresError("cannot create \(outputPath): errno \(errno)") }
        defer {
            close(outputFD)
            unlink(outputPath)
        }
        var environment = ProcessInfo.processInfo.environment
        for key in ["PGDATA", "PGHOST", "PGPORT", "PGUSER", "PGDATABASE", "PGOPTIONS"] { environment[key] = nil }
        // `sh -c 'cd / && exec "$0" "$@"' executable args…`: run from / without quoting any argument.
        let argv = ["/bin/sh", "-c", "cd / && exec \"$0\" \"$@\"", executable] + arguments
        let envp = environment.map { "\($0.key)=\($0.value)" }

        #if canImport(Glibc)
        var actions = posix_spawn_file_actions_t()
        #else
        var actions: posix_spawn_file_actions_t?
        #endif
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outputFD, 1)
        posix_spawn_file_actions_adddup2(&actions, outputFD, 2)

        var pid: pid_t = 0
        let spawnResult: Int32 = withCStrings(argv) { cArgv in
            withCStrings(envp) { cEnvp in
                posix_spawn(&pid, "/bin/sh", &actions, nil, cArgv, cEnvp)
            }
        }
        guard spawnResult == 0 else {
            throw EmbeddedPostgresError("cannot run \(executable): \(String(cString: strerror(spawnResult)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw EmbeddedPostgresError("waitpid for \(executable) failed: errno \(errno)") }
        }
        // WIFEXITED/WEXITSTATUS by hand: the macros are not imported into Swift.
        let exitCode = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        return (exitCode, text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    private static func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
        var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        pointers.append(nil)
        defer { for pointer in pointers { free(pointer) } }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }

    static func which(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// A stable short hash (FNV-1a, 64-bit) of a path, for fallback directory names.
    static func hash(_ text: String) -> String {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            value ^= UInt64(byte)
            value = value &* 0x0000_0100_0000_01b3
        }
        return String(String(value, radix: 16).prefix(12))
    }
}
