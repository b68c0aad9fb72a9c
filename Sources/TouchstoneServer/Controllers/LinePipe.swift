import Dispatch
import Foundation
import Hummingbird
import NIOCore

/// Carries text lines from a producer on a database thread (which may block) to an async
/// response body, in chunks, with backpressure: at most ``capacity`` chunks are in flight, so
/// an export of any size streams in constant memory. Once the reader has gone away,
/// ``send(_:)`` discards lines without waiting.
///
/// Thread-safety: ``send(_:)`` and ``finish(throwing:)`` are called from one producer thread,
/// ``next()`` by one reader at a time; `lock` guards the cancellation flag.
final class LinePipe: @unchecked Sendable {
    /// Bytes gathered before a chunk is passed on.
    static let chunkSize = 64 * 1024
    /// Chunks in flight before the producer waits.
    static let capacity = 8
    /// How long the producer waits for a reader that takes nothing before giving up.
    static let stallSeconds = 60

    private var chunks: AsyncThrowingStream<ByteBuffer, any Error>.AsyncIterator
    private let continuation: AsyncThrowingStream<ByteBuffer, any Error>.Continuation
    private let slots = DispatchSemaphore(value: LinePipe.capacity)
    private let lock = NSLock()
    private var cancelled = false
    private var pending = ""
    private var sentFirst = false

    init() {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: ByteBuffer.self)
        chunks = stream.makeAsyncIterator()
        self.continuation = continuation
        continuation.onTermination = { [weak self] _ in self?.cancel() }
    }

    /// Adds a line; the first line (the header) is passed on at once, later ones in chunks.
    func send(_ line: String) {
        pending += line
        if !sentFirst || pending.utf8.count >= Self.chunkSize {
            sentFirst = true
            flush()
        }
    }

    /// Passes on what is left and ends the stream, with `error` if the producer failed.
    func finish(throwing error: (any Error)? = nil) {
        if error == nil { flush() }
        continuation.finish(throwing: error)
    }

    /// The next chunk, nil at the end; rethrows the producer's failure.
    func next() async throws -> ByteBuffer? {
        let chunk = try await chunks.next()
        if chunk != nil { slots.signal() }
        return chunk
    }

    private func flush() {
        defer { pending = "" }
        guard !pending.isEmpty, !isCancelled else { return }
        var waited = 0
        while slots.wait(timeout: .now() + .seconds(1)) == .timedOut {
            waited += 1
            if waited >= Self.stallSeconds { cancel() }
            if isCancelled { return }
        }
        if isCancelled { return }
        continuation.yield(ByteBuffer(string: pending))
    }

    private var isCancelled: Bool { lock.withLock { cancelled } }

    /// The reader is done (or gone): the producer stops waiting and discards what it sends.
    func cancel() {
        lock.withLock { cancelled = true }
        slots.signal()
    }
}
