import CLibPQ

/// The cancellation state of one lease: set from `withTaskCancellationHandler`'s handler (any thread),
/// read by the connection before each statement. Holds a `PGcancel*` while the lease runs so a cancel
/// request can interrupt the running statement.
final class CancelToken: @unchecked Sendable {
    private struct State {
        var cancelled = false
        var handle: OpaquePointer?
    }

    private let state = Locked(State())

    var isCancelled: Bool { state.withLock { $0.cancelled } }

    /// Binds the token to a connection for the duration of a lease (`PQgetCancel`).
    /// Returns false when cancellation already happened.
    func attach(_ connection: PQConnection) -> Bool {
        let handle = PQgetCancel(connection.handle)
        return state.withLock { state in
            state.handle = handle
            return !state.cancelled
        }
    }

    /// Releases the `PGcancel*`. Further cancels only set the flag.
    func detach() {
        state.withLock { state in
            if let handle = state.handle { PQfreeCancel(handle) }
            state.handle = nil
        }
    }

    /// Marks the lease cancelled and, if a connection is attached, sends a cancel request for its running statement.
    func cancel() {
        state.withLock { state in
            state.cancelled = true
            if let handle = state.handle {
                var buffer = [CChar](repeating: 0, count: 256)
                _ = PQcancel(handle, &buffer, Int32(buffer.count))
            }
        }
    }
}
