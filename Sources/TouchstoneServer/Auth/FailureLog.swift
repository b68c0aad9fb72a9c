import Crypto
import Foundation

/// Recent failures per key (kept only as a SHA-256) under one ``LoginLimits/Limit``: at most the
/// last `limit.failures` instants per key, so memory stays bounded whatever a client sends.
struct FailureLog: Sendable {
    let limit: LoginLimits.Limit
    /// Keys tracked before those with no failure left in the window are dropped.
    private static let pruneThreshold = 10_000
    private var failures: [Data: [ContinuousClock.Instant]] = [:]

    init(limit: LoginLimits.Limit) {
        self.limit = limit
    }

    /// Whole seconds until `key` may try again; nil when it may now.
    func retryAfter(_ key: String, now: ContinuousClock.Instant) -> Int? {
        let recent = current(Self.digest(key), now: now)
        guard recent.count >= limit.failures, let oldest = recent.first else { return nil }
        let wait = (oldest + limit.window) - now
        return max(1, Int(wait.components.seconds) + 1)
    }

    /// Counts a failure of `key`.
    mutating func record(_ key: String, now: ContinuousClock.Instant) {
        let digest = Self.digest(key)
        failures[digest] = Array((current(digest, now: now) + [now]).suffix(limit.failures))
        if failures.count > Self.pruneThreshold {
            let window = limit.window
            failures = failures.filter { !$0.value.allSatisfy { now - $0 >= window } }
        }
    }

    /// Forgets the failures of `key`.
    mutating func clear(_ key: String) {
        failures[Self.digest(key)] = nil
    }

    private func current(_ digest: Data, now: ContinuousClock.Instant) -> [ContinuousClock.Instant] {
        (failures[digest] ?? []).filter { now - $0 < limit.window }
    }

    private static func digest(_ key: String) -> Data {
        Data(SHA256.hash(data: Data(key.utf8)))
    }
}
