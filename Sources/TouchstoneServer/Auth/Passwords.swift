import HummingbirdBcrypt
import NIOCore
import NIOPosix

/// Password hashing for page logins: bcrypt (cost 11), so only a slow salted hash is stored.
public enum Passwords {
    /// bcrypt cost: about 0.1 s a hash on a server core.
    public static let cost: UInt8 = 11
    /// Checked when a login is unknown, so the answer takes as long as for a known one.
    private static let decoy = Bcrypt.hash("touchstone-decoy-password", cost: cost)

    /// The bcrypt hash to store for `password`. Verification reads the cost from the stored
    /// hash, so a lower `cost` (bcrypt's minimum is 4) serves fixtures that must log in cheaply.
    public static func hash(_ password: String, cost: UInt8 = cost) -> String {
        Bcrypt.hash(password, cost: cost)
    }

    /// ``hash(_:)`` for the pages: on NIO's blocking thread pool and within ``checks``, like ``verify(_:hash:)``.
    static func hashOffThread(_ password: String) async throws -> String {
        try await checks.run {
            try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
        }
    }

    /// A temporary password for an admin's reset: 16 random characters (96 bits) from A-Z, a-z, 0-9, `-` and `_`.
    static func temporary() -> String {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        return String((0..<16).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
    }

    /// bcrypt checks running at once: one per core; up to 64 more wait, later ones are refused.
    static let checks = ConcurrencyLimit(limit: System.coreCount, maxWaiting: 64)

    /// Whether `password` matches `hash`; with no hash, spends the same time and answers false.
    /// Runs on NIO's blocking thread pool: bcrypt is deliberately slow and must not hold up
    /// Swift's cooperative threads, which serve every other request; at most ``checks`` at once.
    /// - Throws: ``ConcurrencyLimit/Full`` when too many checks already wait.
    static func verify(_ password: String, hash: String?) async throws -> Bool {
        try await checks.run {
            try await NIOThreadPool.singleton.runIfActive {
                guard let hash else {
                    _ = Bcrypt.verify(password, hash: decoy)
                    return false
                }
                return Bcrypt.verify(password, hash: hash)
            }
        }
    }

    /// Problems with a new password: at least 8 characters, at most 72 bytes (bcrypt's limit).
    public static func weakness(of password: String) -> String? {
        if password.count < 8 { return "a password needs at least 8 characters" }
        if password.utf8.count > 72 { return "a password may have at most 72 bytes" }
        return nil
    }
}
