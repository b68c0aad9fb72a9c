import Foundation
import Hummingbird
import TouchstoneCore
import TouchstoneStore

/// `/overview?period=`: the KPIs of the caller's scope (the tenant for head office, its region
/// for a region manager) with status and the count of red outlets and staff, the early
/// warnings (风险预警) and the last batch run. Outlet managers and staff go to their own page.
struct OverviewPage {
    let database: Database
    let renderer: PageRenderer

    struct KPIRow: Sendable {
        let code: String
        let name: String
        let cell: KPICell?
        let redOutlets: Int
        let redStaff: Int
        let league: String
    }

    struct WarningRow: Sendable {
        let kpi: String
        let level: String
        let subject: String
        let link: String?
        let previous: KPICell
        let current: KPICell
    }

    struct JobView: Sendable {
        let id: Int64
        let state: String
        let startedAt: String
        let startedBy: String
    }

    struct View: Sendable {
        let period: String
        let scope: String
        let kpis: [KPIRow]
        let warnings: [WarningRow]
        let showWarnings: Bool
        let lastJob: JobView?
        /// The period's export downloads, for callers who may export.
        let downloads: Downloads?
    }

    struct Downloads: Sendable {
        let kpisCSV: String
        let kpisXLSX: String
        let auditsCSV: String
        let auditsXLSX: String

        init(period: Period) {
            let query = "?period=\(period)"
            kpisCSV = "/exports/kpis.csv" + query
            kpisXLSX = "/exports/kpis.xlsx" + query
            auditsCSV = "/exports/audits.csv" + query
            auditsXLSX = "/exports/audits.xlsx" + query
        }
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("overview", use: overview)
    }

    @Sendable func overview(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let tenant = try context.requireTenant()
        guard let reach = principal.reach(for: .readOverview) else {
            if let home = Self.home(of: principal.reach) { return PageResponse.redirect(to: home) }
            throw APIProblem.forbidden()
        }
        let labels = renderer.labels(request)
        let period = try await PagePeriod.of(request, tenant: tenant, database: database)
        let region: String? = if case .region(let path) = reach { path } else { nil }
        let (level, subject) = region.map { (KPILevel.region, $0) } ?? (.tenant, tenant.code)
        async let results = KPISummaryQueries.results(tenant: tenant, period: period, level: level, subject: subject, database: database)
        async let reds = KPISummaryQueries.redCounts(tenant: tenant, period: period, within: region, database: database)
        let headOffice = principal.may(.readWarnings)
        async let warnings = headOffice ? WarningQueries.list(tenant: tenant, period: period, database: database) : []
        async let jobs = principal.may(.readBatchRuns) ? BatchJobQueries.list(tenant: tenant, period: period, limit: 1, database: database) : []
        let counts = try await reds
        let kpis = try await results.map { kpi in
            KPIRow(
                code: kpi.kpi, name: kpi.name, cell: kpi.value.map { KPICell($0, labels: labels) },
                redOutlets: counts[kpi.kpi]?.outlets ?? 0, redStaff: counts[kpi.kpi]?.staff ?? 0,
                league: "/league?period=\(period)&kpi=\(PageLinks.encode(kpi.kpi))&level=outlet")
        }
        let warningRows = try await warnings.map { warning in
            WarningRow(
                kpi: warning.kpi, level: labels["level_\(warning.level.rawValue)"] ?? warning.level.rawValue, subject: warning.subject,
                link: PageLinks.subject(level: warning.level, subject: warning.subject, period: period),
                previous: KPICell(warning.previous, labels: labels), current: KPICell(warning.current, labels: labels))
        }
        let lastJob = try await jobs.first.map {
            JobView(
                id: $0.id, state: labels["job_\($0.state.rawValue)"] ?? $0.state.rawValue,
                startedAt: Instant.format($0.startedAt, in: tenant.timeZone), startedBy: $0.startedBy)
        }
        let view = View(
            period: period.description, scope: region ?? tenant.name, kpis: kpis, warnings: warningRows,
            showWarnings: headOffice, lastJob: lastJob, downloads: principal.may(.export) ? Downloads(period: period) : nil)
        return renderer.page("overview", title: "overview_title", content: view, request: request, context: context)
    }

    /// The page of callers whose reach is one outlet or one person, instead of an overview.
    private static func home(of reach: Reach) -> String? {
        switch reach {
        case .outlet(let code): "/outlets/\(PageLinks.encode(code))"
        case .employee(let number): "/staff/\(PageLinks.encode(number))"
        case .submitter: "/field/visits"
        case .tenant, .region: nil
        }
    }
}
