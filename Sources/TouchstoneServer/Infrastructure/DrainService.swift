public import Logging
public import ServiceLifecycle

/// Flips a ``DrainState`` when graceful shutdown begins, then holds shutdown for `delay`.
///
/// Run it *after* the HTTP server in a `ServiceGroup` (shutdown goes in reverse order, so it is
/// signalled first): readiness then answers 503 while the server keeps serving for `delay`, giving
/// load balancers time to stop routing here before the listener closes and in-flight requests are
/// finished. ``ServerApplication`` does this for you.
public struct DrainService: Service {
    let state: DrainState
    let delay: Duration
    let logger: Logger

    /// Creates the service.
    /// - Parameters:
    ///   - state: The drain flag to flip.
    ///   - delay: How long to keep serving after the flag flips.
    ///   - logger: Logger for the drain notice.
    public init(state: DrainState, delay: Duration, logger: Logger) {
        self.state = state
        self.delay = delay
        self.logger = logger
    }

    /// Waits for graceful shutdown, flips the flag, waits `delay`, and returns.
    /// - Throws: `CancellationError` when cancelled before graceful shutdown.
    public func run() async throws {
        try await gracefulShutdown()
        self.state.beginDraining()
        self.logger.info("draining", metadata: ["drain.delay": .stringConvertible(self.delay)])
        if self.delay > .zero {
            try? await Task.sleep(for: self.delay)
        }
    }
}
