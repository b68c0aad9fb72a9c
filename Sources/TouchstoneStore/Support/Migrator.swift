import Crypto
public import Foundation
public import Logging
public import PQ

/// Applies the numbered SQL files of `sql/` (`0001_name.sql`, …) in order.
///
/// Each file runs in its own transaction and is recorded with its SHA-256; a session-level
/// advisory lock keeps two daemons starting together from racing. A file that was applied
/// and has since changed is refused: migrations are append-only.
public struct Migrator: Sendable {
    /// One migration file.
    public struct Migration: Sendable, Equatable {
        public let version: Int
        public let name: String
        public let sql: String
        public var checksum: String { SHA256.hash(data: Data(sql.utf8)).map { String(format: "%02x", $0) }.joined() }
    }

    /// Why migrations cannot proceed.
    public enum Failure: Error, CustomStringConvertible, Equatable {
        case directoryNotFound([String])
        case badFileName(String)
        case changedAfterApply(version: Int, name: String)
        case unknownApplied(version: Int)

        public var description: String {
            switch self {
            case .directoryNotFound(let tried):
                return "cannot find the sql/ migrations directory (tried \(tried.joined(separator: ", "))); set TOUCHSTONE_SQL_DIR"
            case .badFileName(let name):
                return "migration file \(name) is not named NNNN_name.sql"
            case .changedAfterApply(let version, let name):
                return "migration \(String(format: "%04d", version))_\(name).sql was changed after it was applied; add a new migration instead"
            case .unknownApplied(let version):
                return "the database has migration \(version) which this build does not know: it is newer than this program"
            }
        }
    }

    public let migrations: [Migration]

    /// Loads the migrations from `directory`.
    public init(directory: URL) throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".sql") }
            .sorted()
        migrations = try names.map { name in
            let stem = name.dropLast(4)
            guard let underscore = stem.firstIndex(of: "_"), let version = Int(stem[..<underscore]) else {
                throw Failure.badFileName(name)
            }
            let sql = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
            return Migration(version: version, name: String(stem[stem.index(after: underscore)...]), sql: sql)
        }
    }

    /// Finds `sql/`: `$TOUCHSTONE_SQL_DIR`, then upwards from the executable and the
    /// working directory (a checkout), then `/usr/share/touchstone/sql` (an install).
    public static func locateDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> URL {
        var candidates: [URL] = []
        if let explicit = environment["TOUCHSTONE_SQL_DIR"] { candidates.append(URL(fileURLWithPath: explicit)) }
        for start in [
            URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath().deletingLastPathComponent(),
            URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
        ] {
            var directory = start.standardizedFileURL
            for _ in 0..<6 {
                let candidate = directory.appendingPathComponent("sql")
                if !candidates.contains(candidate) { candidates.append(candidate) }
                if directory.path == "/" { break }
                directory = directory.deletingLastPathComponent()
            }
        }
        candidates.append(URL(fileURLWithPath: "/usr/share/touchstone/sql"))
        for candidate in candidates
        where FileManager.default.fileExists(atPath: candidate.appendingPathComponent("0001_foundation.sql").path) {
            return candidate
        }
        throw Failure.directoryNotFound(candidates.map(\.path))
    }

    /// The versions applied so far, with their checksums.
    static func applied(_ conn: PQConnection) throws -> [Int: String] {
        try conn.execute(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now())
            """)
        var result: [Int: String] = [:]
        for (version, checksum) in try conn.query("SELECT version, checksum FROM schema_migrations", as: (Int, String).self) {
            result[version] = checksum
        }
        return result
    }

    /// Applies every pending migration; returns the versions it applied.
    @discardableResult
    public func apply(on pool: PQPool, logger: Logger) async throws -> [Int] {
        let migrations = self.migrations
        return try await pool.withConnection { conn in
            try conn.execute("SELECT pg_advisory_lock(\(Self.lockKey))")
            defer { _ = try? conn.execute("SELECT pg_advisory_unlock(\(Self.lockKey))") }
            let applied = try Self.applied(conn)
            try Self.check(migrations, against: applied)
            var done: [Int] = []
            for migration in migrations where applied[migration.version] == nil {
                try conn.execute(script: "BEGIN")
                do {
                    try conn.execute(script: migration.sql)
                    try conn.execute(
                        """
                        INSERT INTO schema_migrations (version, name, checksum)
                        VALUES (\(migration.version), \(migration.name), \(migration.checksum))
                        """)
                    try conn.execute(script: "COMMIT")
                } catch {
                    _ = try? conn.execute(script: "ROLLBACK")
                    throw error
                }
                logger.info("applied migration", metadata: ["migration": "\(migration.version)_\(migration.name)"])
                done.append(migration.version)
            }
            return done
        }
    }

    /// Whether the database has exactly these migrations (for readiness).
    public func isCurrent(on pool: PQPool) async throws -> Bool {
        let migrations = self.migrations
        return try await pool.withConnection { conn in
            let exists = try conn.queryFirst("SELECT to_regclass('schema_migrations') IS NOT NULL")?.decode(Bool.self) ?? false
            guard exists else { return false }
            var applied: [Int: String] = [:]
            for (version, checksum) in try conn.query("SELECT version, checksum FROM schema_migrations", as: (Int, String).self) {
                applied[version] = checksum
            }
            return applied == Dictionary(uniqueKeysWithValues: migrations.map { ($0.version, $0.checksum) })
        }
    }

    static func check(_ migrations: [Migration], against applied: [Int: String]) throws {
        let known = Dictionary(uniqueKeysWithValues: migrations.map { ($0.version, $0) })
        for (version, checksum) in applied {
            guard let migration = known[version] else { throw Failure.unknownApplied(version: version) }
            if migration.checksum != checksum {
                throw Failure.changedAfterApply(version: version, name: migration.name)
            }
        }
    }

    /// The advisory lock key for migrations ("touchstone" in ASCII, truncated to 63 bits).
    static let lockKey: Int64 = 0x746f_7563_6873_746f
}
