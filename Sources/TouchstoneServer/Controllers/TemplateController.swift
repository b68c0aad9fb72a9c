import Foundation
import Hummingbird
import NIOFoundationCompat
import TouchstoneCore
import TouchstoneStore

/// `/api/v1/templates`: checklist template versions (formats.md "Template").
struct TemplateController {
    let database: Database

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("templates", use: list)
        group.get("templates/:code/:version", use: get)
        group.post("templates", use: add)
    }

    /// Everyone who uploads or reads audits needs the checklists.
    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> TemplateList {
        try context.require(.readTemplates)
        return TemplateList(items: try await TemplateQueries.list(tenant: try context.requireTenant(), database: database))
    }

    /// In the JSON shape of formats.md, so what GET returns can be posted back.
    @Sendable func get(_ request: Request, context: AppRequestContext) async throws -> TemplateDefinition {
        try context.require(.readTemplates)
        let version = try context.parameters.require("version", as: Int.self)
        return TemplateDefinition(
            template: try await TemplateQueries.get(
                tenant: try context.requireTenant(), code: try context.parameters.require("code"), version: version, database: database))
    }

    /// 201 for a new version, 200 when identical content was already stored or an unused version was replaced.
    @Sendable func add(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<TemplateAdded> {
        try context.require(.defineTemplates)
        let body = try await request.body.collect(upTo: context.maxBodySize)
        let (template, outcome) = try await TemplateQueries.add(tenant: try context.requireTenant(), json: Data(buffer: body), database: database)
        return EditedResponse(
            status: outcome == .created ? .created : .ok,
            response: TemplateAdded(code: template.code, version: template.version, outcome: outcome))
    }
}

struct TemplateList: ResponseEncodable {
    let items: [TemplateSummary]
}

struct TemplateAdded: ResponseEncodable {
    let code: String
    let version: Int
    let outcome: TemplateAddOutcome
}
