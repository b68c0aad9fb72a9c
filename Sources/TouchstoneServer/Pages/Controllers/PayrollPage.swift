import Foundation
import Hummingbird
import TouchstoneCore
import TouchstoneStore

/// `/payroll?period=&region=&plan=&status=&sort=&dir=&page=&employee=`: a period's payroll for
/// head office (docs/payroll.md): the period's state and its batch run (state, who ran it,
/// warnings), totals by plan and by region, the payout rows (paged, sortable, filtered), one
/// person's explanation, the payouts export (CSV and workbook), the approve and close forms
/// under the four-eyes rule, and the adjustment rows later periods hold against it. Approving
/// and closing go through ``PayrollActions``, as the API's do; a refusal is shown on the page.
struct PayrollPage {
    let database: Database
    let renderer: PageRenderer
    static let pageSize = 50

    struct Job: Sendable {
        let id: Int64
        let state: String
        let stateClass: String
        let startedBy: String
        let startedAt: String
        let error: String?
    }

    struct Total: Sendable {
        let key: String
        let rows: Int
        let people: Int
        let payout: String
        let approvedRows: Int
    }

    struct Row: Sendable {
        let employeeNo: String
        let name: String
        let plan: String
        let region: String
        let adjusts: String?
        let proratedTarget: String
        let scorePct: String
        let payout: String
        let status: String
        let statusClass: String
        let approvedBy: String
        let note: String
        let explain: String
    }

    struct Adjustment: Sendable {
        let period: String
        let employeeNo: String
        let name: String
        let plan: String
        let payout: String
        let note: String
        let approvedBy: String
    }

    struct Explanation: Sendable {
        let employeeNo: String
        let payouts: [PayoutFormulaView]
    }

    struct View: Sendable {
        let period: String
        let state: String
        let closed: Bool
        let closedBy: String?
        let closedAt: String?
        let resultsHash: String?
        let job: Job?
        let warnings: Int
        let fourEyes: String?
        let currency: String
        let overall: Total
        let byPlan: [Total]
        let byRegion: [Total]
        let region: String
        let plans: [PageTable.Option]
        let statuses: [PageTable.Option]
        let columns: [PageTable.SortLink]
        let rows: [Row]
        let from: Int
        let to: Int
        let total: Int
        let previousPage: String?
        let nextPage: String?
        let explanation: Explanation?
        let adjustments: [Adjustment]
        let csv: String
        let xlsx: String
        let canApprove: Bool
        let canClose: Bool
        let refusal: String?
        let notice: String?
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("payroll", use: page)
        group.post("payroll/approve", use: approve)
        group.post("payroll/close", use: close)
        group.get("payroll/payouts.csv") { try await download($0, context: $1, xlsx: false) }
        group.get("payroll/payouts.xlsx") { try await download($0, context: $1, xlsx: true) }
    }

    @Sendable func page(_ request: Request, context: AppRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let period = try await PagePeriod.of(request, tenant: tenant, database: database)
        return try await render(request, context: context, period: period, refusal: nil)
    }

    /// Approves the period as the caller; back to the page, or the page with the refusal.
    @Sendable func approve(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await PageForm.checked(request, context: context)
        let period = try Period.parse(form["period"] ?? "")
        do {
            _ = try await PayrollActions.approve(period, context: context, database: database)
        } catch let error as StoreError {
            return try await render(request, context: context, period: period, refusal: error)
        }
        return PageResponse.redirect(to: "/payroll?period=\(period)&done=approved")
    }

    /// Closes the period as the caller; back to the page, or the page with the refusal.
    @Sendable func close(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await PageForm.checked(request, context: context)
        let period = try Period.parse(form["period"] ?? "")
        do {
            _ = try await PayrollActions.close(period, context: context, database: database)
        } catch let error as StoreError {
            return try await render(request, context: context, period: period, refusal: error)
        }
        return PageResponse.redirect(to: "/payroll?period=\(period)&done=closed")
    }

    /// The payouts export of the period, as the API's `/api/v1/exports/payouts.csv|.xlsx` (head office).
    func download(_ request: Request, context: AppRequestContext, xlsx: Bool) async throws -> Response {
        try context.require(.export)
        let tenant = try context.requireTenant()
        let period = try await PagePeriod.of(request, tenant: tenant, database: database)
        return try await ExportResponses.payouts(
            tenant: tenant, period: period, xlsx: xlsx, excel: request.uri.queryParameters["excel"] == "true", labels: renderer.labels(request),
            database: database)
    }

    /// The page of `period`, with `refusal` (an approve or close the store refused) shown on it
    /// and answered with the refusal's status.
    private func render(_ request: Request, context: AppRequestContext, period: Period, refusal: StoreError?) async throws -> Response {
        let principal = try context.require(.readPayouts, on: .tenant, missing: "the payroll of \(period)")
        let tenant = try context.requireTenant()
        let labels = renderer.labels(request)
        let query = request.uri.queryParameters
        let text = { (name: String) -> String? in
            guard let value = query[name[...]], !value.isEmpty else { return nil }
            return String(value)
        }
        let filter = PayrollFilter(region: text("region"), plan: text("plan"), status: text("status").flatMap { PayrollFilter.Status(rawValue: $0) })
        let (key, descending) = PageTable.order(request, fallback: PayrollOrder.Key.employee)

        let status = try await PeriodQueries.status(tenant: tenant, period: period, database: database)
        let job = try await BatchJobQueries.list(tenant: tenant, period: period, limit: 1, database: database).first
        let warnings = try await WarningQueries.list(tenant: tenant, period: period, database: database).count
        let totals = try await PayrollQueries.totals(tenant: tenant, period: period, database: database)
        let offset = (PageTable.pageNumber(request) - 1) * Self.pageSize
        let found = try await PayrollQueries.page(
            tenant: tenant, period: period, filter: filter, order: PayrollOrder(key: key, descending: descending),
            offset: offset, limit: Self.pageSize, database: database)
        let pager = PageTable.pager(request, path: "/payroll", size: Self.pageSize, total: found.total)
        let ranBy = try await PayoutQueries.ranBy(tenant: tenant, period: period, database: database)
        let adjustments = try await PayrollQueries.adjustments(tenant: tenant, of: period, database: database)
        let explanation = try await explanation(text("employee"), period: period, tenant: tenant)

        let money = { (amount: Decimal) in amount.fixed(2) }
        let total = { (line: PayrollTotals.Line) in
            Total(
                key: line.key.isEmpty ? "—" : line.key, rows: line.rows, people: line.people, payout: money(line.payout),
                approvedRows: line.approvedRows)
        }
        let periodQuery = "period=\(PageLinks.encode(period.description))"
        let view = View(
            period: period.description, state: labels["period_\(status.state)"] ?? status.state, closed: status.isClosed,
            closedBy: status.closedBy, closedAt: status.closedAt.map { Instant.format($0, in: tenant.timeZone) }, resultsHash: status.resultsHash,
            job: job.map {
                Job(
                    id: $0.id, state: labels["job_\($0.state.rawValue)"] ?? $0.state.rawValue, stateClass: $0.state.rawValue,
                    startedBy: $0.startedBy, startedAt: Instant.format($0.startedAt, in: tenant.timeZone), error: $0.error)
            },
            warnings: warnings,
            fourEyes: status.isClosed
                ? nil
                : ranBy.lazy.compactMap {
                    FourEyes.approvalRefusal(period: period.description, ranBy: $0, approver: .person(principal.login))
                }.first,
            currency: totals.currency, overall: total(totals.overall), byPlan: totals.byPlan.map(total), byRegion: totals.byRegion.map(total),
            region: filter.region ?? "",
            plans: [PageTable.Option(value: "", label: labels["payroll_all"] ?? "all", selected: filter.plan == nil)]
                + totals.byPlan.map { PageTable.Option(value: $0.key, label: $0.key, selected: $0.key == filter.plan) },
            statuses: [PageTable.Option(value: "", label: labels["payroll_all"] ?? "all", selected: filter.status == nil)]
                + PayrollFilter.Status.allCases.map {
                    PageTable.Option(value: $0.rawValue, label: labels["payroll_status_\($0.rawValue)"] ?? $0.rawValue, selected: $0 == filter.status)
                },
            columns: PageTable.sortLinks(request, path: "/payroll", current: key, descending: descending) {
                labels["payroll_sort_\($0.rawValue)"] ?? $0.rawValue
            },
            rows: found.rows.map { listed in
                let row = listed.payout
                return Row(
                    employeeNo: row.employeeNo, name: row.name, plan: row.plan, region: listed.regionPath, adjusts: row.adjustsPeriod,
                    proratedTarget: money(row.proratedTarget), scorePct: row.scorePct.fixed(4), payout: money(row.payout),
                    status: labels["payroll_status_\(listed.status.rawValue)"] ?? listed.status.rawValue, statusClass: listed.status.rawValue,
                    approvedBy: row.approvedBy ?? "", note: row.note,
                    explain: PageTable.link(request, path: "/payroll", changing: ["employee": row.employeeNo, "period": period.description])
                        + "#explanation")
            },
            from: found.rows.isEmpty ? 0 : offset + 1, to: offset + found.rows.count, total: pager.total,
            previousPage: pager.previous, nextPage: pager.next,
            explanation: explanation,
            adjustments: adjustments.map {
                Adjustment(
                    period: $0.period, employeeNo: $0.employeeNo, name: $0.name, plan: $0.plan, payout: money($0.payout), note: $0.note,
                    approvedBy: $0.approvedBy ?? "")
            },
            csv: "/payroll/payouts.csv?\(periodQuery)", xlsx: "/payroll/payouts.xlsx?\(periodQuery)",
            canApprove: principal.may(.approvePeriod) && !status.isClosed && totals.overall.rows > 0,
            canClose: principal.may(.closePeriod) && !status.isClosed && job != nil,
            refusal: refusal.map { $0.problem.message },
            notice: refusal == nil ? text("done").flatMap { labels["payroll_done_\($0)"] } : nil)
        return renderer.page(
            "payroll", title: "payroll_title", content: view, request: request, context: context,
            status: refusal.map { $0.problem.status } ?? .ok)
    }

    /// The person's explanations for the period, when `employeeNo` is asked for.
    private func explanation(_ employeeNo: String?, period: Period, tenant: Tenant) async throws -> Explanation? {
        guard let employeeNo else { return nil }
        let explanations = try await PayoutQueries.explanations(tenant: tenant, period: period, employeeNo: employeeNo, database: database)
        return Explanation(employeeNo: employeeNo, payouts: explanations.map(PayoutFormulaView.init))
    }
}
