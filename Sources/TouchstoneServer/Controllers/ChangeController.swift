import Foundation
import Hummingbird
import TouchstoneCore
import TouchstoneStore

/// `GET /api/v1/changes`: the append-only change log, for head office (admin, analyst).
struct ChangeController {
    let database: Database

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("changes", use: list)
    }

    /// One page of changes in order, optionally of one `entity` and at or after `since`.
    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Page<ChangeRecord> {
        try context.require(.readChangeLog)
        let page = try Pagination(request)
        let query = request.uri.queryParameters
        let since = try query["since"].map { text -> Date in
            guard let instant = Instant.parse(String(text)) else {
                throw APIProblem.badRequest(
                    "since must be an ISO 8601 instant with offset", details: [ProblemDetail(path: "since", message: "got \(text)")])
            }
            return instant
        }
        let after = try page.after.map { text -> Int64 in
            guard let id = Int64(text), id >= 0 else {
                throw APIProblem.badRequest(
                    "after must be the next cursor of a previous page", details: [ProblemDetail(path: "after", message: "got \(text)")])
            }
            return id
        }
        return try await ChangeQueries.list(
            tenant: try context.requireTenant(), entity: query["entity"].map(String.init), since: since, after: after,
            limit: page.limit, database: database)
    }
}
