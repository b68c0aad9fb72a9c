import Foundation
import TouchstoneCore
import TouchstoneStore

/// League-table rows in the order the page asks for: by rank (the API's order), name, value
/// or change since the previous period, ascending or descending; insufficient rows stay last.
struct LeagueRows {
    enum Sort: String, CaseIterable {
        case rank, name, value, change
    }

    /// A ranked subject with its value and the previous period's.
    struct Row {
        let rank: Int?
        let subject: String
        let name: String
        let current: KPIValue
        let previous: KPIValue?

        /// Current minus previous value; nil without a previous value.
        var change: Decimal? { previous.map { current.value - $0.value } }
    }

    /// `rows` (in rank order) sorted by `sort`; `descending` reverses the sort key's order.
    static func sorted(_ rows: [Row], by sort: Sort, descending: Bool) -> [Row] {
        let ranked = rows.filter { $0.rank != nil }
        let insufficient = rows.filter { $0.rank == nil }
        let ordered: [Row]
        switch sort {
        case .rank: ordered = ranked
        case .name: ordered = ranked.sorted { ($0.name, $0.subject) < ($1.name, $1.subject) }
        case .value: ordered = ranked.sorted { ($0.current.value, $0.subject) < ($1.current.value, $1.subject) }
        case .change: ordered = ranked.sorted { ($0.change ?? .leastFiniteMagnitude, $0.subject) < ($1.change ?? .leastFiniteMagnitude, $1.subject) }
        }
        return (descending ? ordered.reversed() : ordered) + insufficient
    }
}

extension LeagueRows.Row {
    init(_ entry: LeagueEntry) {
        self.init(rank: entry.rank, subject: entry.subject, name: entry.name, current: entry.current, previous: entry.previous)
    }
}
