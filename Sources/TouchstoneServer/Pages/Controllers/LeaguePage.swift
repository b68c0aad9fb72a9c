import Foundation
import Hummingbird
import TouchstoneCore
import TouchstoneStore

/// `/league?period=&kpi=&level=outlet|staff&region=&sort=&dir=&page=`: outlets or staff ranked
/// on a KPI within a region (the API's league table and scopes: head office any region, a
/// region manager its subtree), with status, n and the change since the previous period;
/// sortable, 100 rows a page, and `/league.csv` and `/league.xlsx` with every row.
struct LeaguePage {
    let database: Database
    let renderer: PageRenderer
    let cache = LeagueCache()
    static let pageSize = 100

    struct Row: Sendable {
        let rank: String
        let subject: String
        let name: String
        let link: String?
        let cell: KPICell
        let previous: String
        let change: String
        let changeClass: String
    }

    struct View: Sendable {
        let period: String
        let kpi: String
        let region: String
        let kpis: [PageTable.Option]
        let levels: [PageTable.Option]
        let columns: [PageTable.SortLink]
        let rows: [Row]
        let total: Int
        let from: Int
        let to: Int
        let previousPage: String?
        let nextPage: String?
        let csv: String
        let xlsx: String
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("league", use: page)
        group.get("league.csv", use: csv)
        group.get("league.xlsx", use: xlsx)
    }

    @Sendable func page(_ request: Request, context: AppRequestContext) async throws -> Response {
        if let complete = try await withDefaults(request, context: context) { return PageResponse.redirect(to: complete) }
        let labels = renderer.labels(request)
        let league = try KPIQuery.league(request, principal: try context.requirePrincipal())
        let (sort, descending) = PageTable.order(request, fallback: LeagueRows.Sort.rank)
        let (total, rows) = try await pageRows(league, sort: sort, descending: descending, request: request, context: context)
        let pager = PageTable.pager(request, size: Self.pageSize, total: total)
        let period = league.period
        let definitions = try await KPIDefinitionQueries.list(tenant: try context.requireTenant(), database: database)
        let view = View(
            period: period.description, kpi: league.kpi, region: league.region ?? "",
            kpis: definitions.map {
                PageTable.Option(value: $0.code, label: $0.name == $0.code ? $0.code : "\($0.code) · \($0.name)", selected: $0.code == league.kpi)
            },
            levels: [KPILevel.outlet, .staff].map {
                PageTable.Option(value: $0.rawValue, label: labels["level_\($0.rawValue)"] ?? $0.rawValue, selected: $0 == league.level)
            },
            columns: PageTable.sortLinks(request, current: sort, descending: descending) { labels["league_sort_\($0.rawValue)"] ?? $0.rawValue },
            rows: rows.map { row in
                Row(
                    rank: row.rank.map(String.init) ?? "—", subject: row.subject, name: row.name,
                    link: PageLinks.subject(level: league.level, subject: row.subject, period: period),
                    cell: KPICell(row.current, labels: labels), previous: row.previous.map { $0.value.fixed(2) } ?? "—",
                    change: row.change.map { ($0 > 0 ? "+" : "") + $0.fixed(2) } ?? "—",
                    changeClass: row.change.map { $0 > 0 ? "up" : $0 < 0 ? "down" : "" } ?? "")
            },
            total: total, from: pager.from, to: pager.end, previousPage: pager.previous, nextPage: pager.next,
            csv: "/league.csv?" + (request.uri.query ?? ""), xlsx: "/league.xlsx?" + (request.uri.query ?? ""))
        return renderer.page("league", title: "league_title", content: view, request: request, context: context)
    }

    /// Every row of the table (in the page's order) as CSV (``LeagueExport``); spreadsheet-safe
    /// (``CSVWriter/neutralised(_:)``), as it is opened in Excel.
    @Sendable func csv(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (league, rows) = try await exportRows(request, context: context)
        var headers = HTTPFields()
        headers[.contentType] = "text/csv; charset=utf-8"
        headers[.contentDisposition] = "attachment; filename=\"league-\(league.kpi)-\(league.level.rawValue).csv\""
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: LeagueExport.csv(rows))))
    }

    /// The same rows as a workbook, its sheets named in the request's language, the About
    /// sheet with the KPI, level and region besides the period's run.
    @Sendable func xlsx(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (league, rows) = try await exportRows(request, context: context)
        let labels = renderer.labels(request)
        let (tenant, database) = (try context.requireTenant(), database)
        return try await WorkbookResponse.make(
            filename: "league-\(league.kpi)-\(league.level.rawValue).xlsx", sheet: labels["sheet_league"] ?? "League",
            aboutSheet: labels["sheet_about"] ?? "About", produce: { try LeagueExport.write(rows, into: $0) },
            about: {
                var about = try await ExportAbout.load(export: "league", tenant: tenant, period: league.period, database: database)
                about.append("kpi", .text(league.kpi))
                about.append("level", .text(league.level.rawValue))
                about.append("region", .text(league.region ?? ""))
                return about
            }
        )
    }

    /// The query and every row of the table, in the page's order.
    private func exportRows(
        _ request: Request, context: AppRequestContext
    ) async throws -> ((period: Period, kpi: String, level: KPILevel, region: String?), [LeagueRows.Row]) {
        let league = try KPIQuery.league(request, principal: try context.requirePrincipal())
        let (sort, descending) = PageTable.order(request, fallback: LeagueRows.Sort.rank)
        return (league, LeagueRows.sorted(try await entries(league, context: context), by: sort, descending: descending))
    }

    /// How many rows the league has, and the rows of the request's page in the order asked for.
    /// A league in rank order is read by the places the batch stored, a page at a time (a
    /// region's: best first only, its size kept in ``cache``); any other order (and a period
    /// ranked before the batch stored places) sorts the whole table, which is kept in ``cache``.
    private func pageRows(
        _ league: (period: Period, kpi: String, level: KPILevel, region: String?), sort: LeagueRows.Sort, descending: Bool,
        request: Request, context: AppRequestContext
    ) async throws -> (total: Int, rows: [LeagueRows.Row]) {
        if sort == .rank {
            let key = league.region == nil ? nil : try await cacheKey(league, context: context)
            var kept: Int?
            if let key { kept = await cache.total(for: key) }
            if let slice = try await KPIResultQueries.leagueSlice(
                tenant: try context.requireTenant(), period: league.period, kpi: league.kpi, level: league.level, within: league.region,
                offset: (PageTable.pageNumber(request) - 1) * Self.pageSize, limit: Self.pageSize, descending: descending,
                regionTotal: kept, database: database)
            {
                if let key { await cache.keep(total: slice.total, for: key) }
                return (slice.total, slice.entries.map(LeagueRows.Row.init))
            }
        }
        let rows = LeagueRows.sorted(try await entries(league, context: context), by: sort, descending: descending)
        let pager = PageTable.pager(request, size: Self.pageSize, total: rows.count)
        return (rows.count, Array(rows[pager.start..<pager.end]))
    }

    /// The league's rows, best first, as the API ranks them (kept in ``cache`` until the period's results change).
    private func entries(
        _ league: (period: Period, kpi: String, level: KPILevel, region: String?), context: AppRequestContext
    ) async throws -> [LeagueRows.Row] {
        let tenant = try context.requireTenant()
        let database = database
        let key = try await cacheKey(league, context: context)
        return try await cache.rows(for: key) {
            try await KPIResultQueries.league(
                tenant: tenant, period: league.period, kpi: league.kpi, level: league.level, within: league.region, database: database
            ).map(LeagueRows.Row.init)
        }
    }

    /// What ``cache`` keeps the league's table and size by: with the period's latest batch run and its state.
    private func cacheKey(
        _ league: (period: Period, kpi: String, level: KPILevel, region: String?), context: AppRequestContext
    ) async throws -> LeagueCache.Key {
        let tenant = try context.requireTenant()
        let job = try await BatchJobQueries.list(tenant: tenant, period: league.period, limit: 1, database: database).first
        return LeagueCache.Key(
            tenantID: tenant.id, period: league.period.description, kpi: league.kpi, level: league.level, region: league.region,
            job: job.map { "\($0.id) \($0.state.rawValue)" } ?? "")
    }

    /// The URL to redirect to when `period`, `kpi` or `level` is missing; nil when all are there.
    private func withDefaults(_ request: Request, context: AppRequestContext) async throws -> String? {
        let query = request.uri.queryParameters
        guard query["period"] == nil || query["kpi"] == nil || query["level"] == nil else { return nil }
        let tenant = try context.requireTenant()
        var changes: [String: String] = [:]
        if query["period"] == nil { changes["period"] = try await PagePeriod.of(request, tenant: tenant, database: database).description }
        if query["kpi"] == nil {
            guard let first = try await KPIDefinitionQueries.list(tenant: tenant, database: database).first else {
                throw StoreError.notFound("KPI definitions")
            }
            changes["kpi"] = first.code
        }
        if query["level"] == nil { changes["level"] = KPILevel.outlet.rawValue }
        return PageTable.link(request, changing: changes)
    }
}
