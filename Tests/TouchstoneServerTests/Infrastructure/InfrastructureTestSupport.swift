import Foundation
import Hummingbird
import Logging
import NIOFoundationCompat
import Prometheus
import TouchstoneServer

/// Log records captured by ``CapturingLogHandler``.
final class LogCapture: @unchecked Sendable {
    struct Record: Sendable {
        let level: Logger.Level
        let message: String
        let metadata: Logger.Metadata
    }

    // Invariant: `storage` is only touched while holding `lock`.
    private let lock = NSLock()
    private var storage: [Record] = []

    var records: [Record] { self.lock.withLock { self.storage } }

    func append(_ record: Record) { self.lock.withLock { self.storage.append(record) } }

    /// A logger writing into this capture.
    func logger(level: Logger.Level = .trace) -> Logger {
        var logger = Logger(label: "touchstone.test") { _ in CapturingLogHandler(capture: self) }
        logger.logLevel = level
        return logger
    }
}

struct CapturingLogHandler: LogHandler {
    let capture: LogCapture
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = self.metadata.merging(event.metadata ?? [:]) { $1 }
        self.capture.append(.init(level: event.level, message: event.message.description, metadata: merged))
    }
}

/// A readiness check whose answer tests can change.
final class ReadinessSwitch: @unchecked Sendable {
    // Invariant: `report` is only touched while holding `lock`.
    private let lock = NSLock()
    private var report: ReadinessReport = .ready

    func set(_ report: ReadinessReport) { self.lock.withLock { self.report = report } }
    func check() -> ReadinessReport { self.lock.withLock { self.report } }
}

struct FixedPool: PoolStatisticsSource {
    var poolStatistics: (inUse: Int, idle: Int, waiting: Int, max: Int) { (3, 5, 1, 10) }
}

/// Everything a test needs to look at around an application under test.
/// The infrastructure harness: middleware on a bare application (fake pools, captured logs), not
/// the real API over a database, which is ``TestApp``'s with ``APIClient``.
struct Harness {
    let registry = PrometheusCollectorRegistry()
    let drain = DrainState()
    let readiness = ReadinessSwitch()
    let logs = LogCapture()

    /// A router with the infrastructure installed and a few test routes.
    func makeRouter(configuration: ServerConfiguration = .init(), pool: (any PoolStatisticsSource)? = nil) -> Router<AppRequestContext> {
        let router = Router(context: AppRequestContext.self)
        let readiness = self.readiness
        addInfrastructure(
            to: router,
            configuration: configuration,
            readiness: { readiness.check() },
            drain: self.drain,
            registry: self.registry,
            pool: pool
        )
        TestRoutes.add(to: router)
        return router
    }

    func makeApp(
        configuration: ServerConfiguration = .init(),
        pool: (any PoolStatisticsSource)? = nil
    ) -> ServerApplication {
        makeServerApplication(
            router: self.makeRouter(configuration: configuration, pool: pool),
            configuration: configuration,
            drain: self.drain,
            logger: self.logs.logger()
        )
    }
}

struct SecretFailure: Error, CustomStringConvertible {
    var description: String { "SecretFailure(password=hunter2, sql=SELECT * FROM payouts)" }
}

struct OutletMissing: ProblemConvertible {
    var problem: APIProblem { .notFound("Outlet S001 not found.") }
}

struct Payload: Codable {
    var text: String
}

enum TestRoutes {
    static func add(to router: Router<AppRequestContext>) {
        router.get("things/:id") { _, context in
            try context.parameters.require("id")
        }
        router.get("fail/validation") { _, _ -> String in
            throw APIProblem.validationFailed([
                ProblemDetail(path: "sections[0].weight", message: "must be positive"),
                ProblemDetail(path: "answers.S1", message: "unknown item"),
            ])
        }
        router.get("fail/convertible") { _, _ -> String in throw OutletMissing() }
        router.get("fail/http") { _, _ -> String in throw HTTPError(.conflict, message: "Audit already reviewed.") }
        router.get("fail/unknown") { _, _ -> String in throw SecretFailure() }
        router.get("fail/unavailable") { _, _ -> String in throw APIProblem.unavailable("Database unavailable.") }
        router.post("echo") { request, context in
            try await request.decode(as: Payload.self, context: context).text
        }
        router.post("evidence/upload") { request, context in
            var request = request
            let body = try await request.collectBody(upTo: context.maxBodySize)
            return String(body.readableBytes)
        }
    }
}

extension ByteBuffer {
    /// The JSON object in this buffer.
    var jsonObject: [String: Any] {
        get throws {
            let object = try JSONSerialization.jsonObject(with: Data(self.readableBytesView))
            return object as? [String: Any] ?? [:]
        }
    }
}
