/// Where the daemon's batch work is handed in (the batch page, the schedule) for the
/// ``BatchService`` to run: every run then has one owner, which a shutdown waits for or cancels.
public final class BatchQueue: Sendable {
    let orders: AsyncStream<BatchOrder>
    private let continuation: AsyncStream<BatchOrder>.Continuation

    public init() {
        (orders, continuation) = AsyncStream.makeStream()
    }

    /// Hands `order` to the service. False once the service is shutting down: nothing runs it.
    public func submit(_ order: BatchOrder) -> Bool {
        if case .enqueued = continuation.yield(order) { return true }
        return false
    }

    /// Refuses later orders; those already handed in are still run.
    func close() {
        continuation.finish()
    }
}
