import Foundation
import Hummingbird
import Logging
import TouchstoneCore
import TouchstoneStore

/// `/batch?period=`: head office's batch runs (state, timing, rows, errors), with a form that
/// starts a period's batch (KPIs, then payouts) for head office (admins and analysts). The run
/// is handed to the daemon's ``BatchService`` (which a shutdown waits for); the page refreshes
/// itself while a run is going, and shows its progress lines.
struct BatchPage {
    let database: Database
    let renderer: PageRenderer
    let batches: BatchQueue
    let progress = BatchProgress()

    struct Job: Sendable {
        let id: Int64
        let period: String
        let state: String
        let stateClass: String
        let startedAt: String
        let duration: String
        let kpiRows: String
        let payoutRows: String
        let startedBy: String
        let error: String?
    }

    struct View: Sendable {
        let period: String
        let jobs: [Job]
        let running: Bool
        let progress: [String]
        let canRun: Bool
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("batch", use: page)
        group.post("batch", use: run)
    }

    @Sendable func page(_ request: Request, context: AppRequestContext) async throws -> Response {
        try context.require(.readBatchRuns)
        let tenant = try context.requireTenant()
        let labels = renderer.labels(request)
        let period = try await PagePeriod.of(request, tenant: tenant, database: database)
        let jobs = try await BatchJobQueries.list(tenant: tenant, limit: 20, database: database)
        let active = progress.isActive(tenantID: tenant.id)
        let running = active || jobs.contains { $0.state == .running }
        let view = View(
            period: period.description,
            jobs: jobs.map { job in
                Job(
                    id: job.id, period: job.period, state: labels["job_\(job.state.rawValue)"] ?? job.state.rawValue, stateClass: job.state.rawValue,
                    startedAt: Instant.format(job.startedAt, in: tenant.timeZone), duration: job.duration.map { String(format: "%.2f s", $0) } ?? "—",
                    kpiRows: job.kpiRows.map(String.init) ?? "—", payoutRows: job.payoutRows.map(String.init) ?? "—",
                    startedBy: job.startedBy, error: job.error)
            },
            running: running, progress: running ? progress.lines(tenantID: tenant.id) : [],
            canRun: try context.requirePrincipal().may(.runBatch))
        return renderer.page("batch", title: "batch_title", content: view, request: request, context: context)
    }

    /// Hands the batch to the batch service and goes back to the page, which follows the run.
    @Sendable func run(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await PageForm.checked(request, context: context)
        try context.require(.runBatch)
        let tenant = try context.requireTenant()
        let period = try Period.parse(form["period"] ?? "")
        let login = try context.requirePrincipal().login
        let progress = progress
        progress.begin(tenantID: tenant.id)
        let order = BatchOrder(
            tenant: tenant, period: period, asOf: Date(), startedBy: login, full: form["full"] == "on",
            progress: { progress.add($0, tenantID: tenant.id) },
            finished: { _ in progress.end(tenantID: tenant.id) })
        guard batches.submit(order) else {
            progress.end(tenantID: tenant.id)
            throw StoreError.busy("the daemon is shutting down: run the batch again in a moment")
        }
        return PageResponse.redirect(to: "/batch?period=\(period)")
    }
}
