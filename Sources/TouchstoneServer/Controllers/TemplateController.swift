import Foundation
import Hummingbird
import TouchstoneCore
import TouchstoneStore

/// `/api/v1/templates`: checklist template versions (formats.md "Template"). Every role may
/// read them (auditors fill them in); administrators add versions.
struct TemplateController {
    let database: Database

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("templates", use: list)
        group.get("templates/:code/:version", use: get)
        group.post("templates", use: add)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Page<TemplateSummary> {
        _ = try context.requirePrincipal()
        return Page(items: try await TemplateQueries.list(tenant: try context.requireTenant(), database: database), next: nil)
    }

    @Sendable func get(_ request: Request, context: AppRequestContext) async throws -> TemplateDefinition {
        _ = try context.requirePrincipal()
        let code = try context.parameters.require("code")
        guard let version = context.parameters.get("version", as: Int.self) else {
            throw StoreError.notFound("template \(code) version \(context.parameters.get("version") ?? "")")
        }
        return TemplateDefinition(template: try await TemplateQueries.get(tenant: try context.requireTenant(), code: code, version: version, database: database))
    }

    /// The template JSON as the body: 201 for a new version, 200 when unchanged or replaced (unused version).
    @Sendable func add(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<TemplateAdded> {
        try context.requireRole { $0.canAdminister }
        var request = request
        let body = try await request.collectBody(upTo: context.maxBodySize)
        let (template, outcome) = try await TemplateQueries.add(tenant: try context.requireTenant(), json: Data(body.readableBytesView), database: database)
        return EditedResponse(
            status: outcome == .created ? .created : .ok, headers: [.location: "/api/v1/templates/\(template.code)/\(template.version)"],
            response: TemplateAdded(code: template.code, version: template.version, outcome: outcome))
    }
}

/// What `POST /templates` did.
struct TemplateAdded: ResponseEncodable {
    let code: String
    let version: Int
    let outcome: TemplateAddOutcome
}

/// A template in the JSON shape of formats.md (`pass` as `{"max": x}`, decimals as numbers).
struct TemplateDefinition: ResponseEncodable {
    let template: Template

    private enum Key: String, CodingKey {
        case code, version, name, requireReview, disputeDays, sections, weight, dimension, items
        case text, type, points, na, critical, min, max, pass, options, required, value
    }

    func encode(to encoder: any Encoder) throws {
        var root = encoder.container(keyedBy: Key.self)
        try root.encode(template.code, forKey: .code)
        try root.encode(template.version, forKey: .version)
        try root.encode(template.name, forKey: .name)
        try root.encode(template.requireReview, forKey: .requireReview)
        try root.encode(template.disputeDays, forKey: .disputeDays)
        var sections = root.nestedUnkeyedContainer(forKey: .sections)
        for section in template.sections {
            var s = sections.nestedContainer(keyedBy: Key.self)
            try s.encode(section.code, forKey: .code)
            try s.encode(section.name, forKey: .name)
            try s.encode(section.weight, forKey: .weight)
            try s.encode(section.dimension.rawValue, forKey: .dimension)
            var items = s.nestedUnkeyedContainer(forKey: .items)
            for item in section.items {
                try Self.encode(item, into: items.nestedContainer(keyedBy: Key.self))
            }
        }
    }

    private static func encode(_ item: TemplateItem, into container: KeyedEncodingContainer<Key>) throws {
        var c = container
        try c.encode(item.code, forKey: .code)
        try c.encode(item.text, forKey: .text)
        try c.encode(item.type.rawValue, forKey: .type)
        try c.encodeIfPresent(item.points, forKey: .points)
        if item.na { try c.encode(true, forKey: .na) }
        try c.encodeIfPresent(item.critical?.rawValue, forKey: .critical)
        try c.encodeIfPresent(item.dimension?.rawValue, forKey: .dimension)
        try c.encodeIfPresent(item.min, forKey: .min)
        try c.encodeIfPresent(item.max, forKey: .max)
        switch item.pass {
        case .max(let x)?:
            var pass = c.nestedContainer(keyedBy: Key.self, forKey: .pass)
            try pass.encode(x, forKey: .max)
        case .min(let x)?:
            var pass = c.nestedContainer(keyedBy: Key.self, forKey: .pass)
            try pass.encode(x, forKey: .min)
        case nil: break
        }
        if let options = item.options {
            var list = c.nestedUnkeyedContainer(forKey: .options)
            for option in options {
                var o = list.nestedContainer(keyedBy: Key.self)
                try o.encode(option.value, forKey: .value)
                try o.encode(option.points, forKey: .points)
            }
        }
        if item.required { try c.encode(true, forKey: .required) }
    }
}
