import TouchstoneCore
import TouchstoneStore

/// League tables the league page has read, kept until the period's results change, so paging
/// and re-sorting a 100,000-row table does not read it again. A table is keyed by everything
/// that decides its rows, including the caller's scope (the region) and the period's latest
/// batch run and its state: a new or finished run makes a new key. At most ``maxRows`` rows
/// are kept (about 30 MB); the oldest tables go first.
actor LeagueCache {
    struct Key: Hashable, Sendable {
        let tenantID: Int64
        let period: String
        let kpi: String
        let level: KPILevel
        let region: String?
        let job: String
    }

    static let maxRows = 200_000
    private var tables: [Key: [LeagueRows.Row]] = [:]
    private var order: [Key] = []
    /// Sizes of region tables read a page at a time (at most ``maxTotals``; all dropped past that).
    private var totals: [Key: Int] = [:]
    static let maxTotals = 10_000

    /// The size of `key`'s table, if kept.
    func total(for key: Key) -> Int? { totals[key] }

    /// Keeps the size of `key`'s table.
    func keep(total: Int, for key: Key) {
        if totals.count >= Self.maxTotals { totals.removeAll() }
        totals[key] = total
    }

    /// The rows of `key`, loaded with `load` when not kept.
    func rows(for key: Key, load: @Sendable () async throws -> [LeagueRows.Row]) async throws -> [LeagueRows.Row] {
        if let rows = tables[key] { return rows }
        let rows = try await load()
        if tables[key] == nil { order.append(key) }
        tables[key] = rows
        while tables.values.reduce(0, { $0 + $1.count }) > Self.maxRows, order.count > 1 {
            tables[order.removeFirst()] = nil
        }
        return rows
    }
}
