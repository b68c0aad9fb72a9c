import Foundation
import HTTPTypes
import Hummingbird
import TouchstoneCore
import TouchstoneStore

/// `/field/…`: the auditor's mobile field form (docs/field.md). `/field/visits` lists the
/// caller's own visits; `/field/visits/{id}` is the form of one visit, rendered from its
/// template version. Both are plain server-rendered HTML; our own `/field/app.js` (form logic,
/// the answers kept on the device, the send queue) and `/field/sw.js` (the service worker that
/// keeps these pages for offline use) are the only scripts, and only these pages load them.
/// The form sends its audit through the API (`POST /api/v1/audits`, then each photo) with the
/// page session and its CSRF token in a header (``TokenAuthMiddleware``).
struct FieldPage {
    let database: Database
    let renderer: PageRenderer

    /// The field form's scripts, read once from the bundle (`Pages/Templates/field`).
    struct Scripts: Sendable {
        let app: String
        let worker: String

        static func bundled() throws -> Scripts {
            let directory = try PageRenderer.templatesDirectory().appendingPathComponent("field")
            func read(_ name: String) throws -> String {
                do {
                    return try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
                } catch {
                    throw PageSetupError.missingResource("Templates/field/\(name)")
                }
            }
            return Scripts(app: try read("app.js"), worker: try read("sw.js"))
        }
    }

    /// One visit in the list.
    struct VisitRow: Sendable {
        let id: String
        let outlet: String
        let outletName: String
        let window: String
        let state: String
        let stateCode: String
        let href: String
        let open: Bool
    }

    struct ListView: Sendable {
        let visits: [VisitRow]
        let empty: Bool
        let labels: String
    }

    /// One answer choice (a radio button).
    struct OptionView: Sendable {
        let value: String
        let label: String
    }

    struct ItemView: Sendable {
        let code: String
        let text: String
        let type: String
        let choices: [OptionView]
        let measure: Bool
        let textual: Bool
        let photo: Bool
        /// N/A as one more radio button (yes/no, scale, choice) or as a check box (measure).
        let naRadio: Bool
        let naToggle: Bool
        let required: Bool
        let points: String?
        let pass: String?
    }

    struct SectionView: Sendable {
        let code: String
        let name: String
        let items: [ItemView]
    }

    struct FormView: Sendable {
        let visit: VisitRow
        let templateName: String
        let template: String
        let templateVersion: Int
        let auditor: String
        let definition: String
        let photoMaxEdge: Int
        let runningScore: Bool
        let timeZone: String
        let sections: [SectionView]
        /// Labels the script shows (states, progress, errors), as JSON.
        let labels: String
    }

    /// The labels of `labels` the script shows, as JSON.
    static func scriptLabels(_ labels: [String: String]) -> String {
        let shown = Dictionary(uniqueKeysWithValues: scriptLabelKeys.map { ($0, labels[$0] ?? $0) })
        return String(decoding: (try? JSONEncoder().encode(shown)) ?? Data("{}".utf8), as: UTF8.self)
    }

    /// The catalogue keys the script needs.
    static let scriptLabelKeys = [
        "field_state_draft", "field_state_waiting", "field_state_sending", "field_state_sent", "field_state_rejected",
        "field_required_missing", "field_offline", "field_online", "field_edit_again",
        "field_photo_reading", "field_photo_not_kept", "field_photo_missing", "field_photo_remove",
    ]

    func addRoutes(to group: RouterGroup<AppRequestContext>, open: RouterGroup<AppRequestContext>) {
        let scripts: Scripts
        do {
            scripts = try Scripts.bundled()
        } catch {
            preconditionFailure("\(error)")
        }
        open.get("field/app.js") { _, _ in Self.script(scripts.app) }
        open.get("field/sw.js") { _, _ in Self.script(scripts.worker, worker: true) }
        group.get("field") { _, _ in PageResponse.redirect(to: "/field/visits") }
        group.get("field/visits", use: list)
        group.get("field/visits/:id", use: form)
    }

    /// A script of ours: never sniffed, revalidated on every load (the service worker keeps its own copy for offline use).
    static func script(_ text: String, worker: Bool = false) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/javascript; charset=utf-8"
        headers[.cacheControl] = "no-cache"
        headers[.xContentTypeOptions] = "nosniff"
        if worker { headers[HTTPField.Name("Service-Worker-Allowed")!] = "/field/" }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.require(.useFieldForm)
        let tenant = try context.requireTenant()
        let labels = renderer.labels(request)
        let visits = try await Self.ownVisits(principal: principal, tenant: tenant, database: database)
        let names = try await outletNames(visits.map(\.outlet), tenant: tenant)
        let rows = visits.map { Self.row($0, names: names, labels: labels) }
        return renderer.page(
            "field_list", title: "field_title", content: ListView(visits: rows, empty: rows.isEmpty, labels: Self.scriptLabels(labels)),
            request: request, context: context)
    }

    @Sendable func form(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.require(.useFieldForm)
        let tenant = try context.requireTenant()
        let id = try context.parameters.require("id")
        let labels = renderer.labels(request)
        let visit: VisitRecord
        do {
            visit = try await VisitQueries.get(tenant: tenant, visitID: id, database: database)
        } catch StoreError.notFound {
            throw StoreError.notFound("visit \(id)")
        }
        // Another auditor's visit is reported as unknown, like anything outside the caller's reach.
        guard visit.auditor == principal.login else { throw StoreError.notFound("visit \(id)") }
        async let template = TemplateQueries.get(tenant: tenant, code: visit.template, version: visit.templateVersion, database: database)
        async let settings = FieldSettingsQueries.get(tenant: tenant, database: database)
        let names = try await outletNames([visit.outlet], tenant: tenant)
        let definition = try await template
        let json = try JSONEncoder().encode(TemplateDefinition(template: definition))
        let view = FormView(
            visit: Self.row(visit, names: names, labels: labels), templateName: definition.name, template: definition.code,
            templateVersion: definition.version, auditor: principal.login, definition: String(decoding: json, as: UTF8.self),
            photoMaxEdge: try await settings.photoMaxEdge, runningScore: definition.runningScore, timeZone: tenant.timezone,
            sections: definition.sections.map { Self.section($0, labels: labels) },
            labels: Self.scriptLabels(labels))
        return renderer.page("field_visit", title: "field_form_title", content: view, request: request, context: context)
    }

    /// The caller's visits that are theirs to do or done: assigned, in progress or submitted.
    static func ownVisits(principal: Principal, tenant: Tenant, database: Database) async throws -> [VisitRecord] {
        try await VisitQueries.list(tenant: tenant, auditor: principal.login, database: database)
            .filter { [.assigned, .inProgress, .submitted].contains($0.state) }
    }

    private func outletNames(_ codes: [String], tenant: Tenant) async throws -> [String: String] {
        var names: [String: String] = [:]
        for code in Set(codes) {
            names[code] = (try? await OutletQueries.get(tenant: tenant, code: code, database: database))?.name
        }
        return names
    }

    private static func row(_ visit: VisitRecord, names: [String: String], labels: [String: String]) -> VisitRow {
        VisitRow(
            id: visit.visitID, outlet: visit.outlet, outletName: names[visit.outlet] ?? visit.outlet,
            window: "\(visit.windowFrom) – \(visit.windowTo)", state: labels["field_visit_\(visit.state.rawValue)"] ?? visit.state.rawValue,
            stateCode: visit.state.rawValue, href: "/field/visits/\(PageLinks.encode(visit.visitID))",
            open: visit.state != .submitted)
    }

    private static func section(_ section: TemplateSection, labels: [String: String]) -> SectionView {
        SectionView(
            code: section.code, name: section.name,
            items: section.items.map { item in
                var choices: [OptionView] = []
                switch item.type {
                case .yesno:
                    choices = [
                        OptionView(value: "yes", label: labels["field_yes"] ?? "yes"), OptionView(value: "no", label: labels["field_no"] ?? "no"),
                    ]
                case .scale:
                    choices = ((item.min ?? 0)...(item.max ?? 1)).map { OptionView(value: String($0), label: String($0)) }
                case .choice:
                    choices = (item.options ?? []).map { OptionView(value: $0.value, label: $0.value) }
                case .measure, .text, .photo:
                    break
                }
                let pass: String? =
                    switch item.pass {
                    case .max(let x): "≤ \(x)"
                    case .min(let x): "≥ \(x)"
                    case nil: nil
                    }
                return ItemView(
                    code: item.code, text: item.text.isEmpty ? item.code : item.text, type: item.type.rawValue, choices: choices,
                    measure: item.type == .measure, textual: item.type == .text, photo: item.type == .photo,
                    naRadio: item.na && !choices.isEmpty, naToggle: item.na && choices.isEmpty,
                    required: item.type.isScored || (item.type == .photo && item.required), points: item.points.map { "\($0)" },
                    pass: pass)
            })
    }
}
