import Foundation
public import Hummingbird
import NIOFoundationCompat
import TouchstoneCore
import TouchstoneStore

/// `POST /api/v1/surveys` and `POST /api/v1/complaints`: call-centre systems post the same
/// rows as the CSV imports, as JSON `{"rows": [{…}, …]}`, checked and merged the same way.
struct EventController {
    let database: Database

    /// Most rows one request may carry.
    static let maxRows = 10_000

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("surveys", use: { try await self.ingest(.surveys, $0, $1) })
        group.post("complaints", use: { try await self.ingest(.complaints, $0, $1) })
    }

    /// 200 with the import report; 422 listing every problem as `rows[i].field` (nothing stored),
    /// unless `?skipInvalid=true`, which stores the valid rows and reports the others.
    @Sendable func ingest(_ kind: ImportKind, _ request: Request, _ context: AppRequestContext) async throws -> ImportReport {
        try context.require(.importEvents)
        let body = try await request.body.collect(upTo: context.maxBodySize)
        let document = try JSONValue.parse(Data(buffer: body))
        guard case .array(let items)? = document["rows"] else {
            throw APIProblem.badRequest(
                "the body must be a JSON object {\"rows\": [ … ]}", details: [ProblemDetail(path: "rows", message: "missing or not an array")])
        }
        guard items.count <= Self.maxRows else {
            throw APIProblem.badRequest("at most \(Self.maxRows) rows per request (got \(items.count))")
        }
        var rows: [[(key: String, value: JSONValue)]] = []
        var problems: [Problem] = []
        for (index, item) in items.enumerated() {
            guard case .object(let members) = item else {
                problems.append(Problem(path: "rows[\(index)]", message: "must be an object"))
                continue
            }
            rows.append(members)
        }
        if !problems.isEmpty { throw StoreError.invalid(problems) }
        let options = ImportOptions(skipInvalid: request.uri.queryParameters["skipInvalid"] == "true")
        return try await RowImport.run(kind, rows: rows, tenant: try context.requireTenant(), options: options, database: database)
    }
}

extension ImportReport: ResponseEncodable {}
