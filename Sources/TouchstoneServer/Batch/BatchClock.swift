public import Foundation

/// The scheduler's and the sweeps' time: what time it is, and sleeping until they should look again.
/// Tests pass their own, so they neither wait for minutes nor depend on today's date.
public protocol BatchClock: Sendable {
    /// The current instant.
    func now() -> Date
    /// Sleeps until the next wake-up (throws when the task is cancelled).
    func sleepUntilNextWakeUp() async throws
}

/// The real clock: wakes at the start of each minute.
public struct MinuteClock: BatchClock {
    public init() {}

    public func now() -> Date { Date() }

    public func sleepUntilNextWakeUp() async throws {
        let intoMinute = Date().timeIntervalSince1970.truncatingRemainder(dividingBy: 60)
        try await Task.sleep(for: .seconds(60 - intoMinute))
    }
}

/// Every `interval` after the last wake-up: the sweeps' clock (``SweepService``).
extension PollingClock: BatchClock {
    public func sleepUntilNextWakeUp() async throws { try await sleepUntilNextPoll() }
}
