import Foundation
import Hummingbird
import Logging
import NIOFoundationCompat
import TouchstoneCore
import TouchstoneStore

/// KPI definitions, the monthly batch, and the views over its results: league tables,
/// trends, five-dimension profiles and early warnings (风险预警), within the caller's scope.
struct KPIController {
    let database: Database

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("kpis", use: definitions)
        group.post("kpis", use: define)
        group.post("batch-runs", use: runBatch)
        group.get("batch-runs", use: jobs)
        group.get("league", use: league)
        group.get("trend", use: trend)
        group.get("outlets/:code/profile", use: profile)
        group.get("warnings", use: warnings)
    }

    @Sendable func definitions(_ request: Request, context: AppRequestContext) async throws -> KPIDefinitionList {
        try context.require(.readKPIDefinitions)
        return KPIDefinitionList(items: try await KPIDefinitionQueries.list(tenant: try context.requireTenant(), database: database))
    }

    @Sendable func define(_ request: Request, context: AppRequestContext) async throws -> KPIDefinitionList {
        try context.require(.defineKPIs)
        let body = try await request.body.collect(upTo: context.maxBodySize)
        return KPIDefinitionList(
            items: try await KPIDefinitionQueries.define(tenant: try context.requireTenant(), json: Data(buffer: body), database: database))
    }

    struct BatchRequest: Decodable {
        let period: String
        let asOf: String?
        /// Recompute every subject even when an incremental rerun is possible.
        let full: Bool?
    }

    /// Runs the batch (KPIs, then payouts) now and answers with its job record.
    @Sendable func runBatch(_ request: Request, context: AppRequestContext) async throws -> BatchJob {
        try context.require(.runBatch)
        let body = try await request.decode(as: BatchRequest.self, context: context)
        let period = try Period.parse(body.period)
        let asOf = try body.asOf.map { try Instant.parse($0, path: "asOf") } ?? Date()
        return try await BatchRunner.withPayouts.run(
            tenant: try context.requireTenant(), period: period, asOf: asOf, full: body.full ?? false,
            startedBy: try context.requirePrincipal().login,
            progress: { context.logger.debug("batch: \($0)") }, database: database)
    }

    @Sendable func jobs(_ request: Request, context: AppRequestContext) async throws -> BatchJobList {
        try context.require(.readBatchRuns)
        let period = try request.uri.queryParameters["period"].map { try Period.parse(String($0)) }
        return BatchJobList(items: try await BatchJobQueries.list(tenant: try context.requireTenant(), period: period, database: database))
    }

    /// `?period=&kpi=&level=outlet|staff&region=`: head office any region; a region manager within its subtree.
    @Sendable func league(_ request: Request, context: AppRequestContext) async throws -> LeagueTable {
        let league = try KPIQuery.league(request, principal: try context.requirePrincipal())
        let entries = try await KPIResultQueries.league(
            tenant: try context.requireTenant(), period: league.period, kpi: league.kpi, level: league.level, within: league.region,
            database: database)
        return LeagueTable(kpi: league.kpi, level: league.level, region: league.region, items: entries.map(LeagueTable.Row.init))
    }

    /// `?level=&subject=&kpi=&periods=12&through=`: the subject's values over the last periods.
    @Sendable func trend(_ request: Request, context: AppRequestContext) async throws -> TrendSeries {
        let query = request.uri.queryParameters
        let level = try KPIQuery.level(query["level"].map(String.init) ?? "outlet")
        let subject = try KPIQuery.required(query["subject"].map(String.init), "subject")
        let kpi = try KPIQuery.required(query["kpi"].map(String.init), "kpi")
        let tenant = try context.requireTenant()
        try await SubjectLookup(database: database, tenant: tenant, principal: try context.requirePrincipal()).requireKPIs(
            level: level, code: subject)
        let count = min(36, max(1, Int(query["periods"].map(String.init) ?? "12") ?? 12))
        let points = try await KPIResultQueries.trend(
            tenant: tenant, level: level, subject: subject, kpi: kpi, through: try KPIQuery.period(query["through"]), count: count, database: database
        )
        return TrendSeries(
            level: level, subject: subject, kpi: kpi, points: points.map { .init(period: $0.period, value: $0.value.map(KPIValueView.init)) })
    }

    @Sendable func profile(_ request: Request, context: AppRequestContext) async throws -> DimensionProfile {
        let code = try context.parameters.require("code")
        let tenant = try context.requireTenant()
        try await SubjectLookup(database: database, tenant: tenant, principal: try context.requirePrincipal()).requireKPIs(level: .outlet, code: code)
        let entries = try await KPIResultQueries.dimensionProfile(
            tenant: tenant, period: try KPIQuery.period(request.uri.queryParameters["period"]), outlet: code, database: database)
        return DimensionProfile(
            outlet: code,
            items: entries.map {
                .init(
                    kpi: $0.kpi, dimension: $0.dimension.rawValue, outlet: $0.outlet.map(KPIValueView.init), regionPath: $0.regionPath,
                    region: $0.region.map(KPIValueView.init))
            })
    }

    /// Head office: every early warning of the period.
    @Sendable func warnings(_ request: Request, context: AppRequestContext) async throws -> WarningList {
        try context.require(.readWarnings)
        let items = try await WarningQueries.list(
            tenant: try context.requireTenant(), period: try KPIQuery.period(request.uri.queryParameters["period"]), database: database)
        return WarningList(
            items: items.map {
                .init(
                    kpi: $0.kpi, level: $0.level.rawValue, subject: $0.subject, previousPeriod: $0.previousPeriod,
                    previous: KPIValueView($0.previous), current: KPIValueView($0.current))
            })
    }
}
