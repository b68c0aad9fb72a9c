import Foundation
import PQ
public import TouchstoneCore

/// SQL reading `kpi_results`: league tables, trends, an outlet's five-dimension profile.
public enum KPIResultQueries {
    /// Outlets or staff ranked on `kpi` for `period`, best first (by the KPI's direction),
    /// optionally only those within the region `within` (its whole subtree; staff: assigned
    /// there at some day of the period), with the previous period's value.
    public static func league(
        tenant: Tenant, period: Period, kpi: String, level: KPILevel, within regionPath: String? = nil,
        database: Database
    ) async throws -> [LeagueEntry] {
        guard level == .outlet || level == .staff else {
            throw StoreError.invalid([Problem(path: "level", message: "a league table ranks outlets or staff")])
        }
        return try await database.tenantTransaction(tenant, readOnly: true) { conn in
            guard let direction = try conn.queryFirst("SELECT direction FROM kpi_definitions WHERE code = \(kpi)")?.decode(String.self) else {
                throw StoreError.notFound("KPI \(kpi)")
            }
            // Spliced as SQL text below: one of two keywords, never caller input.
            let order = direction == "higher" ? "DESC" : "ASC"
            // A whole table (100,000 staff on a national chain) sorted twice: sort in memory.
            try conn.execute("SET LOCAL work_mem = '32MB'")
            return try conn.query(
                """
                WITH members AS (\(fragment: members(level: level, within: regionPath, during: period)))
                SELECT CASE WHEN r.status <> 'insufficient'
                            THEN rank() OVER (PARTITION BY r.status = 'insufficient' ORDER BY r.value \(unsafeRaw: order)) END,
                       r.subject, m.name, round(r.value, 24), r.n, r.status, round(p.value, 24), p.n, p.status
                FROM kpi_results r
                JOIN members m ON m.subject = r.subject
                LEFT JOIN kpi_results p ON p.tenant_id = r.tenant_id AND p.period = \(period.previous.description)
                     AND p.level = r.level AND p.subject = r.subject AND p.kpi_code = r.kpi_code
                WHERE r.period = \(period.description) AND r.level = \(level.rawValue) AND r.kpi_code = \(kpi)
                ORDER BY r.status = 'insufficient', r.value \(unsafeRaw: order), r.subject COLLATE "C"
                """
            ).map { row in
                let (rank, subject, name, value, n, status, previousValue, previousN, previousStatus) = try row.decode(
                    (Int?, String, String, Decimal, Int, String, Decimal?, Int?, String?).self)
                return LeagueEntry(
                    rank: rank, subject: subject, name: name, current: kpiValue(value, n, status),
                    previous: kpiValue(previousValue, previousN, previousStatus))
            }
        }
    }

    /// Rows `offset..<offset + limit` of the league on `kpi`, read by the places the batch stored
    /// (sql/0310), in the order of ``league(tenant:period:kpi:level:within:database:)``;
    /// `descending` lists the ranked subjects worst first, the insufficient ones staying last.
    /// Within a region (`within`) the members' rows are read in the whole chain's order, which
    /// restricted to them is the region's order, and ranked among themselves: a page reads the
    /// rows up to its end, not the whole table (best first only: nil when `descending`, and when
    /// the page would test more than ``regionScanRows`` rows, judged by the region's share of the
    /// outlets: a deep page or a small region ranks the whole table).
    /// Nil when the period's results have no stored places (computed before 0310): rank the
    /// whole table then. `regionTotal` is the region's table size kept from an earlier slice of
    /// the same results: the members are not counted again.
    public static func leagueSlice(
        tenant: Tenant, period: Period, kpi: String, level: KPILevel, within regionPath: String? = nil, offset: Int, limit: Int,
        descending: Bool, regionTotal: Int? = nil, database: Database
    ) async throws -> LeagueSlice? {
        guard level == .outlet || level == .staff else {
            throw StoreError.invalid([Problem(path: "level", message: "a league table ranks outlets or staff")])
        }
        if regionPath != nil && descending { return nil }
        return try await database.tenantTransaction(tenant, readOnly: true) { conn in
            if let regionPath {
                return try regionSlice(
                    conn, period: period, kpi: kpi, level: level, within: regionPath, offset: offset, limit: limit, total: regionTotal)
            }
            guard
                let counts = try conn.queryFirst(
                    """
                    SELECT count(r.subject), count(r.league_rank), count(r.league_position)
                    FROM kpi_definitions k
                    LEFT JOIN kpi_results r ON r.tenant_id = k.tenant_id AND r.period = \(period.description)
                         AND r.kpi_code = k.code AND r.level = \(level.rawValue)
                    WHERE k.code = \(kpi)
                    GROUP BY k.code
                    """)
            else {
                throw StoreError.notFound("KPI \(kpi)")
            }
            let (total, ranked, placed) = try counts.decode((Int, Int, Int).self)
            guard placed == total else { return nil }
            let indices = min(max(offset, 0), total)..<min(max(offset, 0) + max(limit, 0), total)
            let positions = indices.map { descending && $0 < ranked ? ranked - $0 : $0 + 1 }
            var byPosition: [Int: LeagueEntry] = [:]
            for row in try conn.query(placedRows(period: period, kpi: kpi, level: level) + " AND r.league_position = ANY(\(positions)::integer[])") {
                let placed = try PlacedRow(row)
                byPosition[placed.position] = placed.entry(rank: placed.chainRank)
            }
            return LeagueSlice(total: total, entries: positions.compactMap { byPosition[$0] })
        }
    }

    /// ``leagueSlice(tenant:period:kpi:level:within:offset:limit:descending:database:)`` within a
    /// region, best first: the region's members counted (unless `total` is known or the batch
    /// stored it: ``KPISummaryQueries/storedLeagueSize(_:period:kpi:level:within:)``), then their
    /// rows read in stored position order up to the page's end. A member's rank in the region is
    /// one more than the ranked members placed before the first member with its whole-chain rank
    /// (equal values share a whole-chain rank, better values have lower ones, and all come earlier).
    private static func regionSlice(
        _ conn: PQConnection, period: Period, kpi: String, level: KPILevel, within regionPath: String, offset: Int, limit: Int,
        total knownTotal: Int?
    ) throws -> LeagueSlice? {
        guard
            let probe = try conn.queryFirst(
                """
                SELECT EXISTS (SELECT 1 FROM kpi_results r WHERE r.tenant_id = k.tenant_id AND r.period = \(period.description)
                                 AND r.kpi_code = k.code AND r.level = \(level.rawValue) AND r.league_position IS NULL),
                       (SELECT count(*) FROM outlets o JOIN regions leaf ON leaf.tenant_id = o.tenant_id AND leaf.id = o.region_id
                        WHERE app_in_region_subtree(leaf.path, \(regionPath))),
                       (SELECT count(*) FROM outlets)
                FROM kpi_definitions k WHERE k.code = \(kpi)
                """)
        else {
            throw StoreError.notFound("KPI \(kpi)")
        }
        let (unplaced, regionOutlets, outlets) = try probe.decode((Bool, Int, Int).self)
        // About this many rows in position order are tested to reach the page's end.
        let scanned = (max(offset, 0) + max(limit, 0)) * outlets / max(regionOutlets, 1)
        guard !unplaced, regionOutlets > 0, scanned <= regionScanRows else { return nil }
        let counted: Query = """
            WITH members AS (\(fragment: members(level: level, within: regionPath, during: period)))
            SELECT count(*) FROM kpi_results r JOIN members m ON m.subject = r.subject
            WHERE r.period = \(period.description) AND r.level = \(level.rawValue) AND r.kpi_code = \(kpi)
            """
        let stored = try knownTotal ?? KPISummaryQueries.storedLeagueSize(conn, period: period, kpi: kpi, level: level, within: regionPath)
        let total = try stored ?? conn.queryFirst(counted)!.decode(Int.self)
        let start = min(max(offset, 0), total)
        let end = min(start + max(limit, 0), total)
        guard start < end else { return LeagueSlice(total: total, entries: []) }
        // Each row in position order is tested on its own (a lateral subquery: never a hashed
        // set of all the members), until the page's end.
        let rows = try conn.query(
            placedRows(
                period: period, kpi: kpi, level: level,
                joining: """
                    CROSS JOIN LATERAL (
                        SELECT 1 FROM regions leaf WHERE leaf.tenant_id = o.tenant_id AND leaf.id = o.region_id
                                                     AND app_in_region_subtree(leaf.path, \(regionPath))
                        UNION ALL
                        SELECT 1 \(fragment: assignments(within: regionPath, during: period))
                        LIMIT 1) AS member
                    """)
                + " ORDER BY r.league_position LIMIT \(end)")
        var entries: [LeagueEntry] = []
        var ranked = 0
        var rank = 0
        var chainRank: Int?
        for (index, row) in rows.enumerated() {
            let placed = try PlacedRow(row)
            if let placedRank = placed.chainRank {
                ranked += 1
                if placedRank != chainRank { (rank, chainRank) = (ranked, placedRank) }
            }
            if index >= start { entries.append(placed.entry(rank: placed.chainRank == nil ? nil : rank)) }
        }
        return LeagueSlice(total: total, entries: entries)
    }

    /// The most rows a region's page tests one by one (each row a few index lookups); past that
    /// the region's whole table is ranked (and kept by the page).
    public static let regionScanRows = 2_000

    /// A league's members (`subject`, `name`): every outlet or staff member of `level`, or those
    /// within the region's subtree (staff: assigned there at some day of `period`).
    private static func members(level: KPILevel, within regionPath: String?, during period: Period) -> Query {
        """
        SELECT o.code AS subject, o.name FROM outlets o
        JOIN regions leaf ON leaf.tenant_id = o.tenant_id AND leaf.id = o.region_id
        WHERE \(level.rawValue)::text = 'outlet'
          AND (\(regionPath)::text IS NULL OR app_in_region_subtree(leaf.path, \(regionPath)))
        UNION ALL
        SELECT st.employee_no, st.name FROM staff st
        WHERE \(level.rawValue)::text = 'staff'
          AND (\(regionPath)::text IS NULL OR EXISTS (SELECT 1 \(fragment: assignments(within: regionPath, during: period))))
        """
    }

    /// `FROM … WHERE …` of the staff member `st`'s assignments within the region's subtree at some day of `period`.
    private static func assignments(within regionPath: String?, during period: Period) -> Query {
        """
        FROM assignments a
        JOIN outlets o ON o.tenant_id = a.tenant_id AND o.id = a.outlet_id
        JOIN regions leaf ON leaf.tenant_id = o.tenant_id AND leaf.id = o.region_id
        WHERE a.tenant_id = st.tenant_id AND a.staff_id = st.id AND app_in_region_subtree(leaf.path, \(regionPath))
          AND a.start_date <= \(period.lastDay.description)::date
          AND (a.end_date IS NULL OR a.end_date >= \(period.firstDay.description)::date)
        """
    }

    /// A league's rows with their stored places (``PlacedRow``): the result `r`, its outlet `o`
    /// or staff member `st`, its previous period's result and what `joining` adds; callers add
    /// conditions and order.
    private static func placedRows(period: Period, kpi: String, level: KPILevel, joining: Query = "") -> Query {
        """
        SELECT r.league_position, r.league_rank, r.subject, coalesce(o.name, st.name, r.subject),
               round(r.value, 24), r.n, r.status, round(p.value, 24), p.n, p.status
        FROM kpi_results r
        LEFT JOIN outlets o ON r.level = 'outlet' AND o.code = r.subject
        LEFT JOIN staff st ON r.level = 'staff' AND st.employee_no = r.subject
        LEFT JOIN kpi_results p ON p.tenant_id = r.tenant_id AND p.period = \(period.previous.description)
             AND p.level = r.level AND p.subject = r.subject AND p.kpi_code = r.kpi_code
        \(fragment: joining)
        WHERE r.period = \(period.description) AND r.kpi_code = \(kpi) AND r.level = \(level.rawValue)
        """
    }

    /// A row of ``placedRows(period:kpi:level:)``: its stored position and whole-chain rank, and the entry.
    private struct PlacedRow {
        let position: Int
        let chainRank: Int?
        let subject: String
        let name: String
        let current: KPIValue
        let previous: KPIValue?

        init(_ row: PQRow) throws {
            let (position, rank, subject, name, value, n, status, previousValue, previousN, previousStatus) = try row.decode(
                (Int, Int?, String, String, Decimal, Int, String, Decimal?, Int?, String?).self)
            (self.position, chainRank, self.subject, self.name) = (position, rank, subject, name)
            current = kpiValue(value, n, status)
            previous = kpiValue(previousValue, previousN, previousStatus)
        }

        func entry(rank: Int?) -> LeagueEntry {
            LeagueEntry(rank: rank, subject: subject, name: name, current: current, previous: previous)
        }
    }

    /// A subject's values of `kpi` over the `count` periods (of `through`'s kind) ending with `through`, oldest first.
    public static func trend(
        tenant: Tenant, level: KPILevel, subject: String, kpi: String, through: Period, count: Int, database: Database
    ) async throws -> [TrendPoint] {
        let periods = Array(sequence(first: through) { $0.previous }.prefix(max(1, count)).reversed())
        let found = try await database.tenantTransaction(tenant, readOnly: true) { conn in
            try Dictionary(
                uniqueKeysWithValues: conn.query(
                    """
                    SELECT period, round(value, 24), n, status FROM kpi_results
                    WHERE period = ANY(\(periods.map(\.description))::text[]) AND level = \(level.rawValue)
                      AND subject = \(subject) AND kpi_code = \(kpi)
                    """
                ).map { row in
                    let (period, value, n, status) = try row.decode((String, Decimal, Int, String).self)
                    return (period, kpiValue(value, n, status))
                })
        }
        return periods.map { TrendPoint(period: $0.description, value: found[$0.description]) }
    }

    /// The outlet's `audit.dimension:*` KPIs for `period` beside its own region's, by KPI code.
    public static func dimensionProfile(
        tenant: Tenant, period: Period, outlet code: String, database: Database
    ) async throws -> [DimensionProfileEntry] {
        try await database.tenantTransaction(tenant, readOnly: true) { conn in
            guard
                let regionPath = try conn.queryFirst(
                    """
                    SELECT r.path FROM outlets o JOIN regions r ON r.tenant_id = o.tenant_id AND r.id = o.region_id WHERE o.code = \(code)
                    """)?.decode(String.self)
            else {
                throw StoreError.notFound("outlet \(code)")
            }
            return try conn.query(
                """
                SELECT k.code, substr(k.metric, length('audit.dimension:') + 1),
                       round(o.value, 24), o.n, o.status, round(g.value, 24), g.n, g.status
                FROM kpi_definitions k
                LEFT JOIN kpi_results o ON o.tenant_id = k.tenant_id AND o.period = \(period.description)
                     AND o.level = 'outlet' AND o.subject = \(code) AND o.kpi_code = k.code
                LEFT JOIN kpi_results g ON g.tenant_id = k.tenant_id AND g.period = \(period.description)
                     AND g.level = 'region' AND g.subject = \(regionPath) AND g.kpi_code = k.code
                WHERE k.metric LIKE 'audit.dimension:%'
                ORDER BY k.code COLLATE "C"
                """
            ).compactMap { row in
                let (kpi, dimension, outletValue, outletN, outletStatus, regionValue, regionN, regionStatus) = try row.decode(
                    (String, String, Decimal?, Int?, String?, Decimal?, Int?, String?).self)
                guard let dimension = TouchstoneCore.Dimension(rawValue: dimension) else { return nil }
                return DimensionProfileEntry(
                    kpi: kpi, dimension: dimension, outlet: kpiValue(outletValue, outletN, outletStatus),
                    regionPath: regionPath, region: kpiValue(regionValue, regionN, regionStatus))
            }
        }
    }

    /// A result's value, n and status as decoded from a row; nil when the row had none (the
    /// value is NULL: a `LEFT JOIN` found no result).
    static func kpiValue(_ value: Decimal?, _ n: Int?, _ status: String?) -> KPIValue? {
        guard let value, let n, let status else { return nil }
        return kpiValue(value, n, status)
    }

    /// A result's value, n and status as decoded from a row.
    static func kpiValue(_ value: Decimal, _ n: Int, _ status: String) -> KPIValue {
        KPIValue(value: value, n: n, status: KPIStatus(rawValue: status) ?? .insufficient)
    }
}
