import Foundation
import Hummingbird
import TouchstoneCore
import TouchstoneStore

/// `/outlets/{code}?period=&kpi=`: an outlet's KPIs, the chosen KPI's 12-period trend (line
/// chart), its five-dimension profile against its region (radar chart), and its audits of the
/// period with scores, failed items, evidence and open disputes. Visible as the KPI API's outlet scope.
struct OutletPage {
    let database: Database
    let renderer: PageRenderer
    /// Audits shown in full on the page.
    static let auditLimit = 20

    struct KPIRow: Sendable {
        let code: String
        let name: String
        let cell: KPICell?
        let trend: String
        let chosen: Bool
    }

    struct View: Sendable {
        let code: String
        let name: String
        let region: String
        let city: String
        let period: String
        let kpis: [KPIRow]
        let trendKPI: String
        let trendChart: String
        let radarChart: String
        let audits: [AuditCard]
        let moreAudits: Bool
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("outlets/:code", use: page)
    }

    @Sendable func page(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let tenant = try context.requireTenant()
        let code = try context.parameters.require("code")
        try await SubjectLookup(database: database, tenant: tenant, principal: principal).requireKPIs(level: .outlet, code: code)
        let labels = renderer.labels(request)
        let period = try await PagePeriod.of(request, tenant: tenant, database: database)
        async let outlet = OutletQueries.get(tenant: tenant, code: code, database: database)
        async let results = KPISummaryQueries.results(tenant: tenant, period: period, level: .outlet, subject: code, database: database)
        async let definitions = KPIDefinitionQueries.list(tenant: tenant, database: database)
        async let profile = KPIResultQueries.dimensionProfile(tenant: tenant, period: period, outlet: code, database: database)
        async let audits = AuditQueries.list(
            tenant: tenant, scope: AuditScope(principal), period: period, outlet: code, limit: Self.auditLimit, database: database)
        let kpis = try await results
        let requested = request.uri.queryParameters["kpi"].map(String.init)
        let chosen = kpis.first { $0.kpi == requested } ?? kpis.first { $0.value != nil } ?? kpis.first
        var trend: [TrendPoint] = []
        if let chosen {
            trend = try await KPIResultQueries.trend(
                tenant: tenant, level: .outlet, subject: code, kpi: chosen.kpi, through: period, count: 12, database: database)
        }
        let definition = try await definitions.first { $0.code == chosen?.kpi }
        let records = try await Self.records(try await audits.items, tenant: tenant, principal: principal, database: database)
        let found = try await outlet
        let dimensions = try await profile
        let view = View(
            code: found.code, name: found.name, region: found.regionPath, city: found.city ?? "", period: period.description,
            kpis: kpis.map { kpi in
                KPIRow(
                    code: kpi.kpi, name: kpi.name, cell: kpi.value.map { KPICell($0, labels: labels) },
                    trend: "/outlets/\(PageLinks.encode(code))?period=\(period)&kpi=\(PageLinks.encode(kpi.kpi))", chosen: kpi.kpi == chosen?.kpi)
            },
            trendKPI: chosen.map { $0.name == $0.kpi ? $0.kpi : "\($0.kpi) · \($0.name)" } ?? "",
            trendChart: LineChart(
                points: trend.map { LineChart.Point(label: $0.period, value: $0.value.map { NSDecimalNumber(decimal: $0.value).doubleValue }) },
                references: definition.map { Self.references($0, labels: labels) } ?? []
            ).svg(title: "\(labels["outlet_trend"] ?? "") \(chosen?.kpi ?? "")"),
            radarChart: RadarChart(
                axes: TouchstoneCore.Dimension.allCases.map { dimension in
                    let entry = dimensions.first { $0.dimension == dimension }
                    return RadarChart.Axis(
                        label: labels["dimension_\(dimension.rawValue)"] ?? dimension.rawValue,
                        outlet: entry?.outlet.map { NSDecimalNumber(decimal: $0.value).doubleValue },
                        region: entry?.region.map { NSDecimalNumber(decimal: $0.value).doubleValue })
                }
            ).svg(title: labels["outlet_profile"] ?? "", outletLabel: found.code, regionLabel: dimensions.first?.regionPath ?? found.regionPath),
            audits: records.map { AuditCard($0, labels: labels) },
            moreAudits: try await audits.next != nil)
        return renderer.page("outlet", title: "outlet_title", content: view, request: request, context: context)
    }

    private static func references(_ definition: KPIDefinition, labels: [String: String]) -> [LineChart.Reference] {
        [
            LineChart.Reference(
                label: labels["kpi_threshold"] ?? "threshold", value: NSDecimalNumber(decimal: definition.threshold).doubleValue,
                cssClass: "threshold"),
            LineChart.Reference(
                label: labels["kpi_target"] ?? "target", value: NSDecimalNumber(decimal: definition.target).doubleValue, cssClass: "target"),
        ]
    }

    /// The listed audits in full (the listing is already limited and scoped).
    private static func records(_ summaries: [AuditSummary], tenant: Tenant, principal: Principal, database: Database) async throws -> [AuditRecord] {
        try await withThrowingTaskGroup(of: (Int, AuditRecord).self) { group in
            for (index, summary) in summaries.enumerated() {
                group.addTask {
                    (index, try await AuditQueries.get(tenant: tenant, id: summary.id, scope: AuditScope(principal), database: database))
                }
            }
            var records: [(Int, AuditRecord)] = []
            for try await record in group { records.append(record) }
            return records.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }
}
