public import Hummingbird
public import HummingbirdCore
public import Logging
public import NIOCore
public import ServiceLifecycle

/// The Touchstone HTTP application: a Hummingbird `Application` plus drain-on-shutdown.
///
/// `run()` runs the Hummingbird application (its services, then the server) together with a
/// ``DrainService``. On graceful shutdown (SIGTERM/SIGINT with `runService()`):
/// 1. the drain flag flips, so `/health/ready` answers 503, and the server keeps serving for
///    ``ServerConfiguration/drainDelay``;
/// 2. the listener closes and in-flight requests finish;
/// 3. the services (database pool, …) stop, in reverse order.
/// If steps 2–3 take longer than ``ServerConfiguration/drainTimeout``, the rest is cancelled.
///
/// Create it with ``makeServerApplication(router:configuration:services:drain:logger:)``.
public struct ServerApplication: ApplicationProtocol {
    public typealias Responder = RouterResponder<AppRequestContext>

    var base: Application<Responder>
    let drain: DrainState
    let drainDelay: Duration
    let drainTimeout: Duration

    init(base: Application<Responder>, drain: DrainState, drainDelay: Duration, drainTimeout: Duration) {
        self.base = base
        self.drain = drain
        self.drainDelay = drainDelay
        self.drainTimeout = drainTimeout
    }

    /// The router's responder.
    public var responder: Responder { self.base.responder }
    /// The HTTP/1.1 server builder.
    public var server: HTTPServerBuilder { self.base.server }
    /// The event loop group the server runs on.
    public var eventLoopGroup: any EventLoopGroup { self.base.eventLoopGroup }
    /// Hummingbird configuration (bind address).
    public var configuration: ApplicationConfiguration { self.base.configuration }
    /// The application logger.
    public var logger: Logger { self.base.logger }
    /// Services started before, and stopped after, the server.
    public var services: [any Service] { self.base.services }
    /// Work run after the services start and before the server accepts requests.
    public var processesRunBeforeServerStart: [@Sendable () async throws -> Void] { self.base.processesRunBeforeServerStart }

    /// Called once the server listens.
    public func onServerRunning(_ channel: any Channel) async {
        await self.base.onServerRunning(channel)
    }

    /// Adds services, started in order before the server and stopped in reverse order after it.
    /// - Parameter services: The services.
    public mutating func addServices(_ services: any Service...) {
        self.base.addServices(services)
    }

    /// Runs `process` once the services have started and before the server accepts requests
    /// (e.g. checking that migrations are current).
    /// - Parameter process: The work to run; throwing stops the application.
    public mutating func beforeServerStarts(perform process: @escaping @Sendable () async throws -> Void) {
        self.base.beforeServerStarts(perform: process)
    }

    /// Runs the application until graceful shutdown or failure, draining as described on the type.
    public func run() async throws {
        var configuration = ServiceGroupConfiguration(
            services: [
                .init(service: self.base),
                .init(service: DrainService(state: self.drain, delay: self.drainDelay, logger: self.logger)),
            ],
            logger: self.logger
        )
        configuration.maximumGracefulShutdownDuration = self.drainDelay + self.drainTimeout
        try await ServiceGroup(configuration: configuration).run()
    }
}

/// Creates the Touchstone HTTP application from a router that ``addInfrastructure(to:configuration:readiness:drain:registry:pool:)`` set up.
///
/// Run it with `try await app.runService()`: SIGTERM and SIGINT shut it down gracefully.
/// - Parameters:
///   - router: The router with infrastructure and API routes.
///   - configuration: Bind address, idle timeout and drain timing.
///   - services: Services the server depends on (database pool first), started before it and stopped after it.
///   - drain: The drain flag shared with the health routes.
///   - logger: Application logger.
/// - Returns: The application.
public func makeServerApplication(
    router: Router<AppRequestContext>,
    configuration: ServerConfiguration = .init(),
    services: [any Service] = [],
    drain: DrainState,
    logger: Logger
) -> ServerApplication {
    let base = Application(
        router: router,
        server: .http1(configuration: .init(idleTimeout: configuration.idleTimeout.map(TimeAmount.init(idle:)))),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
        services: services,
        logger: logger
    )
    return ServerApplication(base: base, drain: drain, drainDelay: configuration.drainDelay, drainTimeout: configuration.drainTimeout)
}

extension TimeAmount {
    /// The same span as `duration`, in whole nanoseconds.
    init(idle duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
