import Dispatch
import Foundation

extension Array where Element: Sendable {
    /// `transform` of every element, in order, computed on all cores: for pure CPU work over
    /// many elements (parsing and scoring the documents of an import). `transform` runs on
    /// several threads at once, so it must only read what it shares.
    func concurrentMap<T>(_ transform: @Sendable (Element) -> T) -> [T] {
        let count = self.count
        let chunks = Swift.min(count, ProcessInfo.processInfo.activeProcessorCount * 4)
        guard chunks > 1 else { return map(transform) }
        let slots = Slots<T>(count: count)
        defer { slots.free() }
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            for index in (chunk * count / chunks)..<((chunk + 1) * count / chunks) {
                (slots.base + index).initialize(to: transform(self[index]))
            }
        }
        return (0..<count).map { slots.base[$0] }
    }
}

/// Uninitialised memory for ``Array/concurrentMap(_:)``'s results: each slot is written by
/// exactly one iteration, and read only after all of them have returned.
private final class Slots<T>: @unchecked Sendable {
    let base: UnsafeMutablePointer<T>
    private let count: Int

    init(count: Int) {
        self.count = count
        base = .allocate(capacity: count)
    }

    /// Deinitialises the (all written) slots and frees them.
    func free() {
        base.deinitialize(count: count)
        base.deallocate()
    }
}
