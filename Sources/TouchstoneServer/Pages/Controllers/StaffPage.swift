import Foundation
import Hummingbird
import TouchstoneCore
import TouchstoneStore

/// `/staff/{employeeNo}?period=`: a person's assignments, KPIs and payout explanations for the
/// period, each laid out as the formula with its numbers. The person is visible as in the staff
/// API; KPIs as in the KPI API (head office, the person); payouts as in the payout API.
struct StaffPage {
    let database: Database
    let renderer: PageRenderer

    struct KPIRow: Sendable {
        let code: String
        let name: String
        let cell: KPICell?
    }

    struct Assignment: Sendable {
        let outlet: String
        let link: String
        let role: String
        let span: String
        let targetBonus: String
    }

    struct View: Sendable {
        let employeeNo: String
        let name: String
        let period: String
        let assignments: [Assignment]
        let kpisVisible: Bool
        let kpis: [KPIRow]
        let payoutsVisible: Bool
        let payouts: [PayoutFormulaView]
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("staff/:employeeNo", use: page)
    }

    @Sendable func page(_ request: Request, context: AppRequestContext) async throws -> Response {
        let member = try await StaffDirectory(database: database).member(try context.parameters.require("employeeNo"), context: context)
        let principal = try context.requirePrincipal()
        let tenant = try context.requireTenant()
        let labels = renderer.labels(request)
        let period = try await PagePeriod.of(request, tenant: tenant, database: database)
        var kpis: [KPIRow]?
        if principal.may(.readKPIs, on: .employee(member.employeeNo, assignedTo: [])) {
            kpis = try await KPISummaryQueries.results(tenant: tenant, period: period, level: .staff, subject: member.employeeNo, database: database)
                .map { KPIRow(code: $0.kpi, name: $0.name, cell: $0.value.map { KPICell($0, labels: labels) }) }
        }
        var payouts: [PayoutFormulaView]?
        if principal.may(.readPayouts, on: .employee(member.employeeNo, assignedTo: [])) {
            do {
                payouts = try await PayoutQueries.explanations(tenant: tenant, period: period, employeeNo: member.employeeNo, database: database)
                    .map(PayoutFormulaView.init)
            } catch StoreError.notFound {
                payouts = []
            }
        }
        let view = View(
            employeeNo: member.employeeNo, name: member.name, period: period.description,
            assignments: member.assignments.map {
                Assignment(
                    outlet: $0.outlet, link: "/outlets/\(PageLinks.encode($0.outlet))?period=\(period)", role: $0.role,
                    span: "\($0.start) … \($0.end.map { "\($0)" } ?? "")", targetBonus: $0.targetBonus?.fixed(2) ?? "—")
            },
            kpisVisible: kpis != nil, kpis: kpis ?? [], payoutsVisible: payouts != nil, payouts: payouts ?? [])
        return renderer.page("staff", title: "staff_title", content: view, request: request, context: context)
    }
}
