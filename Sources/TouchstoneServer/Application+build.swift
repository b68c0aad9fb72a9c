public import Hummingbird
public import Logging
public import PQ
import ServiceLifecycle
public import TouchstoneStore

/// The daemon's composition root, used by `touchstone serve` and by the tests alike.
///
/// - Parameters:
///   - database: the store; its pool runs as a service, started before the server and
///     closed after in-flight requests finished.
///   - The ``BatchService`` runs after the pool and before the server: it owns every batch run
///     (the batch page's, the schedule's) and stops after the server, before the pool.
///   - The ``SweepService`` (when ``ServerConfiguration/sweepInterval`` is set) runs after the
///     pool too: it expires visits, announces overdue actions and escalates complaint cases.
///   - The ``WebhookDispatcher`` (when ``ServerConfiguration/deliversWebhooks``) runs after
///     the pool too: it delivers the outbox to webhooks and stops, its requests finished, before it.
///   - migrator: the migrations readiness compares the database with.
///   - configuration: bind address, body limits, drain timing.
///   - logger: the application logger.
public func buildApplication(
    database: Database, migrator: Migrator, configuration: ServerConfiguration, logger: Logger
) -> some ApplicationProtocol {
    let drain = DrainState()
    let batches = BatchQueue()
    let router = buildRouter(database: database, migrator: migrator, configuration: configuration, drain: drain, batches: batches)
    let scheduler = configuration.runsSchedule ? BatchScheduler(database: database, logger: logger) : nil
    let batchService = BatchService(queue: batches, scheduler: scheduler, database: database, logger: logger)
    var services: [any Service] = [database.pool, batchService]
    if let interval = configuration.sweepInterval {
        services.append(SweepService(database: database, clock: PollingClock(interval: interval), logger: logger))
    }
    if configuration.deliversWebhooks {
        services.append(
            WebhookDispatcher(
                database: database, configuration: .init(allowInsecure: configuration.allowInsecureWebhooks), logger: logger))
    }
    return makeServerApplication(router: router, configuration: configuration, services: services, drain: drain, logger: logger)
}

/// The router: infrastructure (request ids, metrics, logs, problems, limits, health), the
/// OpenAPI document (`GET /openapi.yaml`), the authenticated API under `/api/v1`, then the
/// pages under `/` (``Pages``), whose batch page hands its runs to `batches` and whose people
/// pages clear the API's token cache when they change users or tokens.
public func buildRouter(
    database: Database, migrator: Migrator, configuration: ServerConfiguration, drain: DrainState, batches: BatchQueue
) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    var configuration = configuration
    configuration.evidenceRoutePrefixes.append(AuditController.evidenceRoute)
    // Import files uploaded in the pages get the evidence limit too (20 MiB by default, as much as ImportUploads keeps).
    configuration.evidenceRoutePrefixes.append(ImportPage.uploadRoute)
    // Corrective actions take photos with their submit, in the pages (multipart) and the API (base64).
    configuration.evidenceRoutePrefixes.append(ActionsPage.uploadPrefix)
    configuration.evidenceRoutePrefixes.append("/api/v1/actions/")
    addInfrastructure(
        to: router, configuration: configuration,
        readiness: { await Readiness.check(database: database, migrator: migrator) },
        drain: drain, pool: database.pool)
    router.add(middleware: EvidenceTransferLimitMiddleware(limit: configuration.evidenceTransfers, routes: evidenceRoutes))
    OpenAPIController.installed().addRoutes(to: router)
    let tokens = PrincipalCache(database: database)
    let api = router.group("api/v1")
        .add(
            middleware: TokenAuthMiddleware(
                cache: tokens, sessions: (database, PageCookies(secure: configuration.secureCookies)))
        )
        .add(middleware: ChangeActorMiddleware())
    if let limit = configuration.uploadRateLimit {
        api.add(middleware: UploadRateLimitMiddleware(limit: limit, routes: uploadRoutes))
    }
    OutletController(database: database).addRoutes(to: api)
    StaffController(database: database).addRoutes(to: api)
    AuditController(database: database, uploads: AuditUploadQueue(database: database)).addRoutes(to: api)
    TemplateController(database: database).addRoutes(to: api)
    ExportController(database: database).addRoutes(to: api)
    KPIController(database: database).addRoutes(to: api)
    BatchScheduleController(database: database).addRoutes(to: api)
    EventController(database: database).addRoutes(to: api)
    PayoutController(database: database).addRoutes(to: api)
    ChangeController(database: database).addRoutes(to: api)
    VisitController(database: database).addRoutes(to: api)
    WebhookController(database: database, allowInsecure: configuration.allowInsecureWebhooks).addRoutes(to: api)
    ActionController(database: database).addRoutes(to: api)
    ComplaintController(database: database).addRoutes(to: api)
    Pages.addRoutes(to: router, database: database, configuration: configuration, batches: batches, tokens: tokens)
    return router
}

/// The routes ``ServerConfiguration/uploadRateLimit`` applies to, as method and route template.
let uploadRoutes: Set<String> = [
    "POST /api/v1/audits", "POST /api/v1/audits/batch", "PUT \(AuditController.evidenceRoute)/{item}/{name}",
    "POST /api/v1/surveys", "POST /api/v1/complaints",
]

/// The routes ``ServerConfiguration/evidenceTransfers`` caps: evidence uploads and downloads.
let evidenceRoutes: Set<String> = [
    "PUT \(AuditController.evidenceRoute)/{item}/{name}", "GET \(AuditController.evidenceRoute)/{item}/{name}",
    "GET /audits/{id}/evidence/{item}/{name}",
]

extension PQPool: PoolStatisticsSource {
    public var poolStatistics: (inUse: Int, idle: Int, waiting: Int, max: Int) {
        let statistics = self.statistics
        return (statistics.inUse, statistics.idle, statistics.waiting, statistics.max)
    }
}

/// Ready when the database answers and its migrations are exactly this build's.
enum Readiness {
    static func check(database: Database, migrator: Migrator) async -> ReadinessReport {
        do {
            guard try await migrator.isCurrent(on: database.pool) else {
                return .notReady("database migrations are not current")
            }
            return .ready
        } catch {
            return .notReady("database unavailable")
        }
    }
}
