/// At most `limit` bodies run at once; later callers wait in line (first come, first served),
/// and when `maxWaiting` are already waiting a caller is refused with ``Full`` at once.
/// Bounds deliberately slow work such as bcrypt, so a login flood cannot take every thread.
actor ConcurrencyLimit {
    /// Thrown when the line is full.
    struct Full: Error {}

    let limit: Int
    let maxWaiting: Int
    private var running = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(limit: Int, maxWaiting: Int) {
        self.limit = max(1, limit)
        self.maxWaiting = max(0, maxWaiting)
    }

    /// Runs `body` once a slot is free.
    /// - Throws: ``Full`` when `maxWaiting` callers already wait; otherwise what `body` throws.
    nonisolated func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        try await acquire()
        do {
            let value = try await body()
            await release()
            return value
        } catch {
            await release()
            throw error
        }
    }

    private func acquire() async throws {
        if running < limit {
            running += 1
            return
        }
        guard waiting.count < maxWaiting else { throw Full() }
        await withCheckedContinuation { waiting.append($0) }
    }

    /// Hands the slot to the first waiter, or frees it.
    private func release() {
        if waiting.isEmpty {
            running -= 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}
