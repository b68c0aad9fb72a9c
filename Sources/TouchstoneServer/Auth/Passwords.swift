import HummingbirdBcrypt
import NIOCore
import NIOPosix

/// Password hashing for page logins: bcrypt (cost 11), so only a slow salted hash is stored.
public enum Passwords {
    /// bcrypt cost: about 0.1 s a hash on a server core.
    static let cost: UInt8 = 11
    /// Checked when a login is unknown, so the answer takes as long as for a known one.
    private static let decoy = Bcrypt.hash("touchstone-decoy-password", cost: cost)

    /// The bcrypt hash to store for `password`.
    public static func hash(_ password: String) -> String {
        Bcrypt.hash(password, cost: cost)
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
