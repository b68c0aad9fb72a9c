import Foundation

/// The progress lines of the batch runs started from the batch page, per tenant, so the page
/// can show how far a running batch got (the job row itself says only `running`). Synchronous
/// and thread-safe, so a run's progress callback records its line at once.
final class BatchProgress: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [Int64: [String]] = [:]
    private var active: Set<Int64> = []

    /// Starts a new run's record for `tenantID`.
    func begin(tenantID: Int64) {
        lock.withLock {
            lines[tenantID] = []
            active.insert(tenantID)
        }
    }

    /// The tenant's run started here has ended.
    func end(tenantID: Int64) {
        lock.withLock { _ = active.remove(tenantID) }
    }

    /// Whether a run started here for the tenant is still going.
    func isActive(tenantID: Int64) -> Bool {
        lock.withLock { active.contains(tenantID) }
    }

    /// Adds a progress line (the last 20 are kept).
    func add(_ line: String, tenantID: Int64) {
        lock.withLock {
            lines[tenantID, default: []].append(line)
            if lines[tenantID, default: []].count > 20 { lines[tenantID]?.removeFirst() }
        }
    }

    /// The progress lines of the tenant's latest run started here.
    func lines(tenantID: Int64) -> [String] {
        lock.withLock { lines[tenantID] ?? [] }
    }
}
