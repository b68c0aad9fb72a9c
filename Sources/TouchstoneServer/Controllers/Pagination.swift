import Hummingbird

/// `?after=<cursor>&limit=<n>` of list endpoints; the limit is capped so no page is unbounded.
struct Pagination {
    static let defaultLimit = 100
    static let maxLimit = 1000

    let after: String?
    let limit: Int

    init(_ request: Request) throws {
        let query = request.uri.queryParameters
        after = query["after"].map(String.init)
        if let text = query["limit"] {
            guard let value = Int(text), value > 0 else {
                throw APIProblem.badRequest("limit must be a positive whole number", details: [ProblemDetail(path: "limit", message: "got \(text)")])
            }
            guard value <= Self.maxLimit else {
                throw APIProblem.badRequest("limit is at most \(Self.maxLimit)", details: [ProblemDetail(path: "limit", message: "got \(value)")])
            }
            limit = value
        } else {
            limit = Self.defaultLimit
        }
    }
}
