import Crypto

/// How many uploads one credential may make: a token bucket of ``burst`` uploads that refills
/// at ``perMinute`` uploads a minute.
public struct UploadRateLimit: Sendable, Hashable {
    /// Sustained uploads per minute per credential.
    public var perMinute: Int
    /// Uploads a credential may make at once before the sustained rate applies.
    public var burst: Int

    /// - Parameters:
    ///   - perMinute: Sustained uploads per minute (> 0).
    ///   - burst: Bucket size (> 0).
    public init(perMinute: Int, burst: Int) {
        self.perMinute = max(perMinute, 1)
        self.burst = max(burst, 1)
    }

    /// 3,000 a minute (50/s sustained) with bursts of 500: far above an outlet's or an
    /// agency's pace, low enough to stop a runaway client from starving the others.
    public static let `default` = UploadRateLimit(perMinute: 3000, burst: 500)
}

/// Token buckets by credential. Buckets that are full again are forgotten when many pile up.
actor UploadRateLimiter {
    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    private let limit: UploadRateLimit
    private var buckets: [SHA256.Digest: Bucket] = [:]
    /// Buckets kept before full ones are dropped.
    private static let pruneThreshold = 10_000

    init(limit: UploadRateLimit) {
        self.limit = limit
    }

    private var perSecond: Double { Double(limit.perMinute) / 60 }

    /// Takes one upload from the bucket of the credential with SHA-256 `credential`: nil when
    /// allowed, else the seconds until the next upload would be.
    func take(_ credential: SHA256.Digest) -> Int? {
        let now = ContinuousClock.now
        var bucket = buckets[credential] ?? Bucket(tokens: Double(limit.burst), updated: now)
        bucket.tokens = min(Double(limit.burst), bucket.tokens + refill(from: bucket.updated, to: now))
        bucket.updated = now
        defer { buckets[credential] = bucket }
        if bucket.tokens >= 1 {
            bucket.tokens -= 1
            if buckets.count >= Self.pruneThreshold { prune(now: now) }
            return nil
        }
        return max(1, Int(((1 - bucket.tokens) / perSecond).rounded(.up)))
    }

    private func refill(from start: ContinuousClock.Instant, to end: ContinuousClock.Instant) -> Double {
        let elapsed = end - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return seconds * perSecond
    }

    private func prune(now: ContinuousClock.Instant) {
        let burst = Double(limit.burst)
        buckets = buckets.filter { $0.value.tokens + refill(from: $0.value.updated, to: now) < burst }
    }
}
