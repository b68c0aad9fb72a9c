import NIOPosix

/// What a caller gets from the pool: an idle connection, or permission to open a new one.
enum Slot: @unchecked Sendable {
    case connection(UnsafeTransfer<PQConnection>)
    case create
}

extension PQPool {
    struct Waiter {
        let id: Int
        let continuation: CheckedContinuation<Slot, any Error>
    }

    /// Guarded by `state`'s lock. `inUse` counts leased slots (including ones opening a connection), so open
    /// or opening connections = `idle.count + inUse` ≤ `maxConnections`.
    struct State {
        var idle: [PQConnection] = []
        var inUse = 0
        var waiters: [Waiter] = []
        var nextWaiterID = 0
        var closed = false
        var threadPoolShutDown = false
        var drainWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private enum Immediate {
        case slot(Slot)
        case failure(PQError)
        case wait
    }

    /// Takes a slot at once if one is free and nobody is queued; otherwise queues FIFO (bounded) until a
    /// slot is handed over, the acquire timeout passes, the task is cancelled or the pool closes.
    func acquire() async throws -> Slot {
        let maxConnections = options.maxConnections
        let maxWaiters = options.maxWaiters
        let immediate: Immediate = state.withLock { s in
            if s.closed { return .failure(PQError(kind: .poolClosed, message: "the pool is closed")) }
            if s.waiters.isEmpty {
                if let connection = s.idle.popLast() {
                    s.inUse += 1
                    return .slot(.connection(UnsafeTransfer(value: connection)))
                }
                if s.idle.count + s.inUse < maxConnections {
                    s.inUse += 1
                    return .slot(.create)
                }
            }
            if s.waiters.count >= maxWaiters {
                return .failure(PQError(kind: .poolTimeout, message: "too many callers waiting for a connection (\(maxWaiters))"))
            }
            return .wait
        }
        switch immediate {
        case .slot(let slot): return slot
        case .failure(let error): throw error
        case .wait: return try await waitForSlot()
        }
    }

    private func waitForSlot() async throws -> Slot {
        let id = state.withLock { s in
            s.nextWaiterID += 1
            return s.nextWaiterID
        }
        let timer = Locked<Task<Void, Never>?>(nil)
        defer { timer.withLock { $0?.cancel() } }
        let timeout = options.acquireTimeout
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Slot, any Error>) in
                let failure: PQError? = state.withLock { s in
                    if s.closed { return PQError(kind: .poolClosed, message: "the pool is closed") }
                    if Task.isCancelled { return PQError(kind: .cancelled, message: "cancelled while waiting for a connection") }
                    s.waiters.append(Waiter(id: id, continuation: continuation))
                    return nil
                }
                if let failure {
                    continuation.resume(throwing: failure)
                    return
                }
                let task = Task { [weak self] in
                    guard (try? await Task.sleep(for: timeout)) != nil else { return }
                    self?.failWaiter(
                        id, PQError(kind: .poolTimeout, message: "no connection became free within \(timeout)"))
                }
                timer.withLock { $0 = task }
            }
        } onCancel: {
            failWaiter(id, PQError(kind: .cancelled, message: "cancelled while waiting for a connection"))
        }
    }

    private func failWaiter(_ id: Int, _ error: PQError) {
        let waiter: Waiter? = state.withLock { s in
            guard let index = s.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return s.waiters.remove(at: index)
        }
        waiter?.continuation.resume(throwing: error)
    }

    /// Returns a lease's slot: a reusable connection, or `nil` when the connection was closed or never opened.
    /// Hands it to the first waiter if any.
    func release(_ connection: PQConnection?) async {
        enum Action {
            case none
            case handOff(CheckedContinuation<Slot, any Error>, Slot)
            case closeThenRelease(PQConnection)
            case drained([CheckedContinuation<Void, Never>])
        }
        let action: Action = state.withLock { s in
            if let connection {
                if s.closed { return .closeThenRelease(connection) }
                if !s.waiters.isEmpty {
                    let waiter = s.waiters.removeFirst()
                    return .handOff(waiter.continuation, .connection(UnsafeTransfer(value: connection)))
                }
                s.idle.append(connection)
                s.inUse -= 1
                return .none
            }
            if !s.closed, !s.waiters.isEmpty {
                let waiter = s.waiters.removeFirst()
                return .handOff(waiter.continuation, .create)
            }
            s.inUse -= 1
            if s.closed, s.inUse == 0 {
                let drained = s.drainWaiters
                s.drainWaiters.removeAll()
                return .drained(drained)
            }
            return .none
        }
        switch action {
        case .none:
            break
        case .handOff(let continuation, let slot):
            continuation.resume(returning: slot)
        case .closeThenRelease(let connection):
            let transfer = UnsafeTransfer(value: connection)
            do {
                try await threadPool.runIfActive { transfer.value.close() }
            } catch {
                connection.close()
            }
            await release(nil)
        case .drained(let continuations):
            for continuation in continuations { continuation.resume() }
        }
    }
}
