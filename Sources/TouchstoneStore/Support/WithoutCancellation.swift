/// Runs `body` to its end even when the calling task is cancelled, and waits for it: for the
/// bookkeeping of cancelled work (marking a job failed, giving a claim back), which must not
/// be cancelled with the work itself. The task does not inherit the caller's cancellation.
public func withoutCancellation<T: Sendable>(_ body: @escaping @Sendable () async -> T) async -> T {
    await Task { await body() }.value
}
