import Foundation
import Hummingbird
import TouchstoneCore
import TouchstoneStore

/// `/api/v1/complaints`: complaint cases (docs/complaints.md). The call centre (head office)
/// creates cases (`POST /complaints/cases`: `POST /complaints` is the import of rows),
/// moves them through their states; head office and region managers (their subtree's) list the
/// open ones with their deadlines and read them.
struct ComplaintController {
    let database: Database

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("complaints", use: list)
        group.post("complaints/cases", use: create)  // POST /complaints is the import (EventController)
        group.get("complaints/{id}", use: get)
        group.post("complaints/{id}/transitions", use: transition)
    }

    struct CreateRequest: Decodable {
        let id: String?
        let outlet: String
        let severity: Severity
        let comment: String?
    }

    struct TransitionRequest: Decodable {
        let to: CaseState
        let satisfied: Bool?
        let assignee: String?
        let comment: String?
    }

    struct CaseList: ResponseEncodable {
        let items: [ComplaintCase]
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> CaseList {
        let filter = try Self.reach(context)
        return CaseList(items: try await ComplaintCaseQueries.open(tenant: try context.requireTenant(), filter: filter, database: database).cases)
    }

    @Sendable func get(_ request: Request, context: AppRequestContext) async throws -> ComplaintCase {
        let filter = try Self.reach(context)
        let id = try Self.id(context)
        guard let found = try await ComplaintCaseQueries.get(tenant: try context.requireTenant(), id: id, filter: filter, database: database)
        else {
            throw StoreError.notFound("complaint \(id)")
        }
        return found
    }

    /// The case id of the path, percent-decoded (an id may hold any character: `/complaints/PG%207` is `PG 7`).
    static func id(_ context: AppRequestContext) throws -> String {
        let raw = try context.parameters.require("id")
        return raw.removingPercentEncoding ?? raw
    }

    /// The cases the caller reads (``Action/readComplaints``: a region manager, its subtree's); 403 for other roles.
    static func reach(_ context: AppRequestContext) throws -> ComplaintFilter {
        guard let filter = ComplaintFilter.reach(of: try context.require(.readComplaints)) else { throw APIProblem.forbidden() }
        return filter
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<ComplaintCase> {
        let principal = try context.require(.handleComplaints)
        let body = try await request.decode(as: CreateRequest.self, context: context)
        let made = try await ComplaintCaseQueries.create(
            tenant: try context.requireTenant(), id: body.id, outlet: body.outlet, severity: body.severity, comment: body.comment,
            actor: principal.login, database: database)
        return EditedResponse(status: .created, response: made)
    }

    @Sendable func transition(_ request: Request, context: AppRequestContext) async throws -> ComplaintCase {
        let principal = try context.require(.handleComplaints)
        let body = try await request.decode(as: TransitionRequest.self, context: context)
        return try await ComplaintCaseQueries.transition(
            tenant: try context.requireTenant(), id: try Self.id(context), to: body.to, satisfied: body.satisfied,
            assignee: body.assignee, comment: body.comment, actor: principal.login, database: database)
    }
}
