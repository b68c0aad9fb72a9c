import Hummingbird
import TouchstoneCore

/// Sorting, paging and filtering a page's table through query parameters (`sort`, `dir`, `page`,
/// filters), shared by the tables that have them (league, payroll): links keep every other parameter.
enum PageTable {
    /// One choice of a filter's `<select>`.
    struct Option: Sendable {
        let value: String
        let label: String
        let selected: Bool
    }

    /// A column heading that sorts by it (a second click reverses the order).
    struct SortLink: Sendable {
        let label: String
        let href: String
        let active: Bool
    }

    /// Where a page of `size` rows lies in `total`, with links to its neighbours.
    struct Pager: Sendable {
        let start: Int
        let end: Int
        let total: Int
        let previous: String?
        let next: String?

        /// The first row shown, counted from 1 (0 when none is).
        var from: Int { total == 0 ? 0 : start + 1 }
    }

    /// `?sort=` as one of `Key`'s raw values (else `fallback`) and `?dir=desc`.
    static func order<Key: RawRepresentable>(_ request: Request, fallback: Key) -> (key: Key, descending: Bool) where Key.RawValue == String {
        let query = request.uri.queryParameters
        return (Key(rawValue: query["sort"].map(String.init) ?? "") ?? fallback, query["dir"] == "desc")
    }

    /// One heading per key, linking to this page (or `path`) sorted by it, back on page 1.
    static func sortLinks<Key: RawRepresentable & CaseIterable & Equatable>(
        _ request: Request, path: String? = nil, current: Key, descending: Bool, label: (Key) -> String
    ) -> [SortLink] where Key.RawValue == String {
        Key.allCases.map { key in
            let flip = key == current && !descending
            let changes = ["sort": key.rawValue, "dir": flip ? "desc" : "asc", "page": "1"]
            return SortLink(label: label(key), href: link(request, path: path, changing: changes), active: key == current)
        }
    }

    /// The query parameter `name` (a list's filter) without its surrounding blanks; nil when absent or empty.
    static func filter(_ request: Request, _ name: String) -> String? {
        let value = (request.uri.queryParameters[Substring(name)].map(String.init) ?? "").trimmingLineWhitespace
        return value.isEmpty ? nil : value
    }

    /// `?page=` (from 1).
    static func pageNumber(_ request: Request) -> Int {
        max(1, Int(request.uri.queryParameters["page"].map(String.init) ?? "1") ?? 1)
    }

    /// The page `?page=` of `size` rows out of `total`, linking to its neighbours on this page (or `path`).
    static func pager(_ request: Request, path: String? = nil, size: Int, total: Int) -> Pager {
        let number = pageNumber(request)
        let start = min((number - 1) * size, total)
        let end = min(start + size, total)
        return Pager(
            start: start, end: end, total: total,
            previous: number > 1 ? link(request, path: path, changing: ["page": String(number - 1)]) : nil,
            next: end < total ? link(request, path: path, changing: ["page": String(number + 1)]) : nil)
    }

    /// This page's URL (or `path` with this page's query) with some query parameters set.
    static func link(_ request: Request, path: String? = nil, changing changes: [String: String]) -> String {
        var parameters: [(String, String)] = request.uri.queryParameters.map { (String($0.key), String($0.value)) }
            .filter { changes[$0.0] == nil }
        parameters += changes.map { ($0.key, $0.value) }
        return (path ?? request.uri.path) + "?"
            + parameters.sorted { $0.0 < $1.0 }
            .map { "\(PageLinks.encode($0.0))=\(PageLinks.encode($0.1))" }.joined(separator: "&")
    }
}
