import Foundation

/// Whether the server is draining: graceful shutdown has begun and readiness must answer 503.
///
/// Thread-safe; share one instance between ``DrainService`` (which flips it) and
/// ``HealthController`` (which reads it).
public final class DrainState: @unchecked Sendable {
    // Invariant: `draining` is only read or written while holding `lock`.
    private let lock = NSLock()
    private var draining = false

    /// Creates a state that is not draining.
    public init() {}

    /// `true` once ``beginDraining()`` was called.
    public var isDraining: Bool {
        self.lock.withLock { self.draining }
    }

    /// Marks the server as draining. Idempotent; there is no way back.
    public func beginDraining() {
        self.lock.withLock { self.draining = true }
    }
}
