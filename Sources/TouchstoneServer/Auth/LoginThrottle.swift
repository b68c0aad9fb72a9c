import Crypto
import Foundation

/// Failed page logins per account (tenant code and login, kept only as a SHA-256). After
/// ``maxFailures`` failures within ``window`` the account's logins are refused, whatever the
/// password, until the oldest of those failures leaves the window; a successful login clears
/// the count. Guessing a password then takes years, while its owner waits minutes at most.
actor LoginThrottle {
    /// Failures allowed within ``window``.
    static let maxFailures = 5
    /// How long a failure counts.
    static let window: Duration = .seconds(15 * 60)
    /// Accounts tracked before those with no failure left in the window are dropped.
    private static let pruneThreshold = 10_000

    private var failures: [SHA256.Digest: [ContinuousClock.Instant]] = [:]

    /// Whole seconds until the account may try again; nil when it may now.
    func retryAfter(tenant: String, login: String) -> Int? {
        let now = ContinuousClock.now
        let recent = current(Self.key(tenant, login), now: now)
        guard recent.count >= Self.maxFailures, let oldest = recent.first else { return nil }
        let wait = (oldest + Self.window) - now
        return max(1, Int(wait.components.seconds) + 1)
    }

    /// Counts a refused login.
    func recordFailure(tenant: String, login: String) {
        let now = ContinuousClock.now
        let key = Self.key(tenant, login)
        failures[key] = current(key, now: now) + [now]
        if failures.count > Self.pruneThreshold {
            failures = failures.filter { !$0.value.allSatisfy { now - $0 >= Self.window } }
        }
    }

    /// Clears the account's failures after a successful login.
    func recordSuccess(tenant: String, login: String) {
        failures[Self.key(tenant, login)] = nil
    }

    private func current(_ key: SHA256.Digest, now: ContinuousClock.Instant) -> [ContinuousClock.Instant] {
        (failures[key] ?? []).filter { now - $0 < Self.window }
    }

    private static func key(_ tenant: String, _ login: String) -> SHA256.Digest {
        SHA256.hash(data: Data("\(tenant)\n\(login)".utf8))
    }
}
