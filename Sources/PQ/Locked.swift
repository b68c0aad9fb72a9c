import Foundation

/// A value guarded by a lock. Internal helper; the lock is never held across a suspension point.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) {
        self.value = value
    }

    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}

/// Carries a non-Sendable value across an isolation boundary where the caller guarantees
/// exclusive, sequential access (the pool's one-borrower-at-a-time invariant).
struct UnsafeTransfer<Value>: @unchecked Sendable {
    let value: Value
}
