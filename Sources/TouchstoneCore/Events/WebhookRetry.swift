public import Foundation

/// When a failed webhook delivery is tried again (events.md "Retries"): exponential back-off
/// from `first`, doubling, at most `cap` apart, for `window` after the delivery's window
/// started (the event, or the redelivery); a delivery whose next attempt would fall after the
/// window is parked.
public struct WebhookRetry: Sendable, Equatable {
    /// The pause after the first failed attempt.
    public var first: TimeInterval
    /// The longest pause.
    public var cap: TimeInterval
    /// How long a delivery is tried.
    public var window: TimeInterval

    public init(first: TimeInterval, cap: TimeInterval, window: TimeInterval) {
        self.first = first
        self.cap = cap
        self.window = window
    }

    /// 10 s, 20 s, 40 s, … at most one hour apart, for 24 hours.
    public static let standard = WebhookRetry(first: 10, cap: 3600, window: 86_400)

    /// The pause after `attempts` failed attempts (1: the first failure).
    public func delay(afterAttempts attempts: Int) -> TimeInterval {
        let doublings = max(0, attempts - 1)
        guard doublings < 40 else { return cap }
        return min(cap, first * pow(2, Double(doublings)))
    }

    /// When to try again after `attempts` failed attempts at `now`, or nil: park it.
    public func next(afterAttempts attempts: Int, windowStart: Date, now: Date) -> Date? {
        let at = now.addingTimeInterval(delay(afterAttempts: attempts))
        return at <= windowStart.addingTimeInterval(window) ? at : nil
    }
}
