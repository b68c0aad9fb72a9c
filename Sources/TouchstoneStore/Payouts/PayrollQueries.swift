public import Foundation
import PQ
public import TouchstoneCore

/// SQL for the payroll page of a period (docs/payroll.md): its totals by plan and by region,
/// its payout rows paged, sorted and filtered, and the adjustment rows later periods hold
/// against it. A payout row's region is the region of the outlet of its last segment (where
/// the person worked at the end of the period); totals group by the top node of that path.
public enum PayrollQueries {
    /// Payout rows with their region path and status (`approved` or `draft`), to be followed
    /// by `WHERE p.period = …`.
    static let rows: Query = """
        SELECT p.*, coalesce(g.path, '') AS region_path, split_part(coalesce(g.path, ''), '/', 1) AS top_region,
               CASE WHEN p.approved_by IS NULL THEN 'draft' ELSE 'approved' END AS status
        FROM payouts p
        LEFT JOIN outlets o ON o.code = p.explanation->'segments'->-1->>'outlet'
        LEFT JOIN regions g ON g.tenant_id = o.tenant_id AND g.id = o.region_id
        """

    /// Totals of the period's payouts: by plan, by top region, and overall.
    public static func totals(tenant: Tenant, period: Period, database: Database) async throws -> PayrollTotals {
        try await database.tenantTransaction(tenant, readOnly: true) { conn in
            // One pass: GROUPING SETS give the plan, region and overall sums together.
            let grouped = try conn.query(
                """
                WITH r AS (\(fragment: rows) WHERE p.period = \(period.description))
                SELECT grouping(plan_code), grouping(top_region),
                       coalesce(plan_code, '') AS plan, coalesce(top_region, '') AS region,
                       count(*)::integer, count(DISTINCT employee_no)::integer, coalesce(sum(payout), 0),
                       count(*) FILTER (WHERE status = 'approved')::integer, min(currency)
                FROM r
                GROUP BY GROUPING SETS ((plan_code), (top_region), ())
                ORDER BY grouping(plan_code), grouping(top_region), coalesce(plan_code, '') COLLATE "C", coalesce(top_region, '') COLLATE "C"
                """
            ).map { row in
                let (planGrouping, regionGrouping, plan, region, rows, people, payout, approvedRows, currency) = try row.decode(
                    (Int, Int, String, String, Int, Int, Decimal, Int, String?).self)
                return (
                    plan: planGrouping == 0, region: regionGrouping == 0,
                    line: PayrollTotals.Line(
                        key: planGrouping == 0 ? plan : region, rows: rows, people: people, payout: payout, approvedRows: approvedRows),
                    currency: currency
                )
            }
            let overall = grouped.first { !$0.plan && !$0.region }
            return PayrollTotals(
                byPlan: grouped.filter(\.plan).map(\.line), byRegion: grouped.filter(\.region).map(\.line),
                overall: overall?.line ?? PayrollTotals.Line(key: "", rows: 0, people: 0, payout: 0, approvedRows: 0),
                currency: overall?.currency ?? tenant.currency)
        }
    }

    /// One page of the period's payout rows matching `filter`, in `order`, and how many match.
    public static func page(
        tenant: Tenant, period: Period, filter: PayrollFilter, order: PayrollOrder, offset: Int, limit: Int, database: Database
    ) async throws -> (rows: [PayrollRow], total: Int) {
        let sortKey: String =
            switch order.key {
            case .employee: "employee_no COLLATE \"C\""
            case .name: "name COLLATE \"C\""
            case .plan: "plan_code COLLATE \"C\""
            case .region: "region_path COLLATE \"C\""
            case .payout: "payout"
            case .status: "status"
            }
        let direction = order.descending ? "DESC" : "ASC"
        // `sortKey` and `direction` are spliced as SQL text: each is one of the constants above, never caller input.
        return try await database.tenantTransaction(tenant, readOnly: true) { conn in
            let found = try conn.query(
                """
                WITH r AS (\(fragment: Self.rows) WHERE p.period = \(period.description))
                SELECT \(fragment: PayoutQueries.columns), region_path, status, count(*) OVER ()
                FROM r
                WHERE (\(filter.region)::text IS NULL OR app_in_region_subtree(region_path, \(filter.region)))
                  AND (\(filter.plan)::text IS NULL OR plan_code = \(filter.plan))
                  AND (\(filter.status?.rawValue)::text IS NULL OR status = \(filter.status?.rawValue))
                ORDER BY \(unsafeRaw: sortKey) \(unsafeRaw: direction), employee_no COLLATE "C" \(unsafeRaw: direction),
                         plan_code COLLATE "C", adjusts_period COLLATE "C"
                OFFSET \(offset) LIMIT \(limit)
                """)
            let total = try found.first?.decode("count", as: Int.self) ?? 0
            return (try found.map(decodeRow), total)
        }
    }

    /// The adjustment rows of later periods that pay the difference late events made to
    /// `period` (rules-choices.md "Late events and adjustments"), by period then employee.
    public static func adjustments(tenant: Tenant, of period: Period, database: Database) async throws -> [PayoutRow] {
        try await database.tenantTransaction(tenant, readOnly: true) { conn in
            try conn.query(
                """
                SELECT \(fragment: PayoutQueries.columns) FROM payouts WHERE adjusts_period = \(period.description)
                ORDER BY period COLLATE "C", \(fragment: PayoutQueries.order)
                """
            ).decode(PayoutRow.self)
        }
    }

    /// A row of ``page(tenant:period:filter:order:offset:limit:database:)``: the payout's
    /// columns, then the region path and status named.
    static func decodeRow(_ row: PQRow) throws -> PayrollRow {
        PayrollRow(
            payout: try PayoutRow(row: row), regionPath: try row.decode("region_path", as: String.self),
            status: PayrollFilter.Status(rawValue: try row.decode("status", as: String.self)) ?? .draft)
    }
}

/// The sums of a period's payouts, by plan and by top region.
public struct PayrollTotals: Sendable, Equatable {
    /// One group: its key (plan code, top region; empty for payouts with no known region),
    /// rows, distinct people, the payout sum and how many rows are approved.
    public struct Line: Sendable, Equatable {
        public let key: String
        public let rows: Int
        public let people: Int
        public let payout: Decimal
        public let approvedRows: Int
    }

    public let byPlan: [Line]
    public let byRegion: [Line]
    public let overall: Line
    public let currency: String
}

/// Which payout rows the payroll page lists; nil fields do not filter.
public struct PayrollFilter: Sendable, Equatable {
    /// Approved or waiting for approval.
    public enum Status: String, Sendable, CaseIterable {
        case draft, approved
    }

    /// A region path: rows whose region lies in its subtree.
    public var region: String?
    public var plan: String?
    public var status: Status?

    public init(region: String? = nil, plan: String? = nil, status: Status? = nil) {
        self.region = region
        self.plan = plan
        self.status = status
    }
}

/// The order of the payroll page's rows.
public struct PayrollOrder: Sendable, Equatable {
    public enum Key: String, Sendable, CaseIterable {
        case employee, name, plan, region, payout, status
    }

    public var key: Key
    public var descending: Bool

    public init(key: Key = .employee, descending: Bool = false) {
        self.key = key
        self.descending = descending
    }
}

/// A payout row as the payroll page lists it: with its region and status.
public struct PayrollRow: Sendable, Equatable {
    public let payout: PayoutRow
    public let regionPath: String
    public let status: PayrollFilter.Status
}
