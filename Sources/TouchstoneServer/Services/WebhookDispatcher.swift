import AsyncHTTPClient
public import Foundation
public import Logging
import NIOCore
import NIOHTTP1
public import ServiceLifecycle
public import TouchstoneCore
public import TouchstoneStore

/// The dispatcher's time: what time it is, and waiting until it looks for due deliveries
/// again. Tests pass their own, so a day of retries takes no day.
public protocol DispatchClock: Sendable {
    /// The current instant (due times, the retry schedule, `Touchstone-Timestamp`).
    func now() -> Date
    /// Waits until the next look (throws when the task is cancelled).
    func sleepUntilNextPoll() async throws
}

/// The real clock: looks every `interval` (one second by default).
public struct PollingClock: DispatchClock {
    let interval: Duration

    public init(interval: Duration = .seconds(1)) {
        self.interval = interval
    }

    public func now() -> Date { Date() }

    public func sleepUntilNextPoll() async throws { try await Task.sleep(for: interval) }
}

/// Delivers the outbox to webhooks (events.md), as a service of the daemon.
///
/// Each look finds the tenants with due deliveries (one cross-tenant look-up, security.md),
/// then each webhook with due deliveries gets a worker of its own, which sends them one after
/// the other: POST of the event's JSON, signed, with a time-out; a 2xx is delivered, anything
/// else is tried again by ``WebhookRetry`` and parked after its window. A slow or dead receiver
/// holds up only its own worker. Per subject per webhook the order is kept: an event is not
/// sent while an earlier event of its subject to that webhook is pending.
///
/// Lifetime: the HTTP client lives as long as ``run()``. On graceful shutdown it stops looking,
/// each worker finishes the request it is sending (at most the time-out) and takes no more;
/// deliveries it had taken but not sent are due again when their lease ends. Delivery is at
/// least once: a receiver may get an event twice (a response lost, a daemon killed), and
/// de-duplicates by `Touchstone-Event-Id`.
public struct WebhookDispatcher: Service {
    /// How the dispatcher delivers.
    public struct Configuration: Sendable {
        /// Plain http:// to 127.0.0.1 / localhost is delivered (`--allow-insecure-webhooks`).
        public var allowInsecure: Bool
        /// How long one request may take, connecting included.
        public var timeout: Duration
        /// When failed deliveries are tried again.
        public var retry: WebhookRetry
        /// How many deliveries a worker takes at once.
        public var batchSize: Int

        public init(allowInsecure: Bool = false, timeout: Duration = .seconds(10), retry: WebhookRetry = .standard, batchSize: Int = 20) {
            self.allowInsecure = allowInsecure
            self.timeout = timeout
            self.retry = retry
            self.batchSize = batchSize
        }
    }

    let database: Database
    let clock: any DispatchClock
    let configuration: Configuration
    let logger: Logger

    public init(database: Database, clock: any DispatchClock = PollingClock(), configuration: Configuration = .init(), logger: Logger) {
        self.database = database
        self.clock = clock
        self.configuration = configuration
        self.logger = logger
    }

    /// Looks for due deliveries at every tick of the clock until graceful shutdown, then waits
    /// for the requests in flight.
    public func run() async throws {
        try await withHTTPClient { client in
            let busy = BusyWebhooks()
            await withDiscardingTaskGroup { group in
                while !Task.isShuttingDownGracefully && !Task.isCancelled {
                    await look(client: client, busy: busy) { work in group.addTask { await work() } }
                    do {
                        try await cancelWhenGracefulShutdown { try await clock.sleepUntilNextPoll() }
                    } catch {
                        break
                    }
                }
            }
        }
    }

    /// One look that waits for every delivery it started (tests, a one-off run).
    public func deliverDue() async throws {
        try await withHTTPClient { client in
            let busy = BusyWebhooks()
            await withDiscardingTaskGroup { group in
                await look(client: client, busy: busy) { work in group.addTask { await work() } }
            }
        }
    }

    /// Runs `body` with an HTTP client that is shut down after it, also when it throws.
    private func withHTTPClient(_ body: (HTTPClient) async throws -> Void) async throws {
        let client = HTTPClient(
            eventLoopGroup: HTTPClient.defaultEventLoopGroup,
            configuration: HTTPClient.Configuration(
                redirectConfiguration: .disallow,
                timeout: .init(connect: TimeAmount(idle: configuration.timeout), read: TimeAmount(idle: configuration.timeout))),
            backgroundActivityLogger: logger)
        do {
            try await body(client)
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    /// Finds the webhooks with due deliveries that no worker of this dispatcher serves yet, and
    /// starts a worker for each through `start`.
    private func look(client: HTTPClient, busy: BusyWebhooks, start: (@escaping @Sendable () async -> Void) -> Void) async {
        let now = clock.now()
        let codes: [String]
        do {
            codes = try await OutboxQueries.dueTenants(at: now, database: database)
        } catch {
            logger.warning("webhooks: cannot list the tenants with due deliveries", metadata: ["error": "\(error)"])
            return
        }
        for code in codes {
            do {
                let tenant = try await TenantQueries.find(code: code, on: database)
                let due = try await OutboxQueries.dueWebhooks(tenant: tenant, at: now, excluding: busy.current, database: database)
                for webhook in due where busy.take(webhook) {
                    start {
                        await work(tenant: tenant, webhook: webhook, client: client)
                        busy.release(webhook)
                    }
                }
            } catch {
                logger.warning("webhooks: cannot list due deliveries", metadata: ["tenant": "\(code)", "error": "\(error)"])
            }
        }
    }

    /// A webhook's worker: takes its due deliveries and sends them in order until none is due
    /// (or the daemon shuts down).
    private func work(tenant: Tenant, webhook: UUID, client: HTTPClient) async {
        let lease = Double(configuration.timeout.components.seconds) * Double(configuration.batchSize) + 60
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let now = clock.now()
            let claimed: [OutboxQueries.Claimed]
            do {
                claimed = try await OutboxQueries.claim(
                    tenant: tenant, webhook: webhook, at: now, leaseUntil: now.addingTimeInterval(lease), limit: configuration.batchSize,
                    database: database)
            } catch {
                logger.warning("webhooks: cannot take due deliveries", metadata: ["webhook": "\(webhook)", "error": "\(error)"])
                return
            }
            if claimed.isEmpty { return }
            for delivery in claimed {
                if Task.isShuttingDownGracefully || Task.isCancelled { return }
                await deliver(delivery, tenant: tenant, client: client)
            }
        }
    }

    /// Sends one delivery and records what came of it.
    private func deliver(_ delivery: OutboxQueries.Claimed, tenant: Tenant, client: HTTPClient) async {
        let sentAt = clock.now()
        let outcome = await send(delivery, at: sentAt, client: client)
        let recordedAt = clock.now()
        do {
            switch outcome {
            case .delivered(let status):
                try await OutboxQueries.delivered(tenant: tenant, delivery, status: status, at: recordedAt, database: database)
            case .failed(let status, let error):
                let parked = try await OutboxQueries.failed(
                    tenant: tenant, delivery, status: status, error: error, at: recordedAt, retry: configuration.retry, database: database)
                logger.info(
                    parked ? "webhooks: delivery parked" : "webhooks: delivery failed, will retry",
                    metadata: ["webhook": "\(delivery.webhook)", "event": "\(delivery.event)", "error": "\(error)"])
            }
        } catch {
            // Not recorded: the lease ends and the delivery is sent again (at least once).
            logger.warning("webhooks: cannot record a delivery", metadata: ["event": "\(delivery.event)", "error": "\(error)"])
        }
    }

    enum Outcome {
        case delivered(Int)
        case failed(Int?, String)
    }

    /// The request itself.
    private func send(_ delivery: OutboxQueries.Claimed, at: Date, client: HTTPClient) async -> Outcome {
        if let problem = WebhookURL.problem(delivery.url, allowInsecure: configuration.allowInsecure) {
            return .failed(nil, problem)
        }
        let timestamp = Int(at.timeIntervalSince1970.rounded(.down))
        var request = HTTPClientRequest(url: delivery.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "Touchstone-Webhooks/1")
        request.headers.add(name: "Touchstone-Event-Id", value: delivery.event.uuidString.lowercased())
        request.headers.add(name: "Touchstone-Event-Type", value: delivery.type)
        request.headers.add(name: "Touchstone-Timestamp", value: String(timestamp))
        request.headers.add(
            name: "Touchstone-Signature", value: WebhookSignature.sign(body: delivery.body, timestamp: timestamp, secret: delivery.secret))
        request.body = .bytes(ByteBuffer(string: delivery.body))
        do {
            let response = try await client.execute(request, timeout: TimeAmount(idle: configuration.timeout))
            _ = try? await response.body.collect(upTo: 64 * 1024)
            let status = Int(response.status.code)
            return (200..<300).contains(status) ? .delivered(status) : .failed(status, "HTTP \(status)")
        } catch {
            return .failed(nil, String(describing: error))
        }
    }
}

/// The webhooks a worker of this dispatcher serves now (so one look does not start a second).
final class BusyWebhooks: @unchecked Sendable {
    // Invariant: `ids` is only read or written while holding `lock`.
    private let lock = NSLock()
    private var ids: Set<UUID> = []

    var current: Set<UUID> { lock.withLock { ids } }

    /// Marks `id` busy; false when it already was.
    func take(_ id: UUID) -> Bool { lock.withLock { ids.insert(id).inserted } }

    func release(_ id: UUID) { _ = lock.withLock { ids.remove(id) } }
}
