import Foundation
import Hummingbird
import TouchstoneCore
import TouchstoneStore

/// `/webhooks` (admins, events.md): the tenant's webhooks with their pending and parked counts,
/// and the deliveries that failed or were parked, each with a "redeliver" button (a plain form).
struct WebhooksPage {
    let database: Database
    let renderer: PageRenderer

    struct Hook: Sendable {
        let id: String
        let url: String
        let events: String
        let pending: Int
        let parked: Int
        let createdAt: String
    }

    struct Delivery: Sendable {
        let webhook: String
        let url: String
        let event: String
        let type: String
        let subject: String
        let state: String
        let stateClass: String
        let attempts: Int
        let lastAttempt: String
        let nextAttempt: String
        let lastError: String
    }

    struct View: Sendable {
        let hooks: [Hook]
        let deliveries: [Delivery]
        let notice: String?
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("webhooks", use: page)
        group.post("webhooks/redeliver", use: redeliver)
    }

    @Sendable func page(_ request: Request, context: AppRequestContext) async throws -> Response {
        try context.require(.manageWebhooks)
        let tenant = try context.requireTenant()
        let labels = renderer.labels(request)
        let hooks = try await WebhookQueries.list(tenant: tenant, database: database)
        let urls = Dictionary(uniqueKeysWithValues: hooks.map { ($0.id, $0.url) })
        let troubled = try await WebhookQueries.troubled(tenant: tenant, database: database)
        let time = { (date: Date?) in date.map { Instant.format($0, in: tenant.timeZone) } ?? "—" }
        let view = View(
            hooks: hooks.map { hook in
                Hook(
                    id: hook.id.uuidString.lowercased(), url: hook.url,
                    events: hook.eventTypes.isEmpty ? (labels["webhooks_all_events"] ?? "all") : hook.eventTypes.joined(separator: ", "),
                    pending: hook.pending, parked: hook.parked, createdAt: time(hook.createdAt))
            },
            deliveries: troubled.map { d in
                Delivery(
                    webhook: d.webhook.uuidString.lowercased(), url: urls[d.webhook] ?? "", event: d.event.uuidString.lowercased(),
                    type: d.type, subject: d.subject, state: labels["webhooks_state_\(d.state)"] ?? d.state, stateClass: d.state,
                    attempts: d.attempts, lastAttempt: time(d.lastAttemptAt), nextAttempt: time(d.nextAttemptAt),
                    lastError: [d.lastStatus.map { "HTTP \($0)" }, d.lastError].compactMap { $0 }.first ?? "")
            },
            notice: request.uri.queryParameters["redelivered"].map { _ in labels["webhooks_redelivered"] ?? "" })
        return renderer.page("webhooks", title: "webhooks_title", content: view, request: request, context: context)
    }

    /// Makes one delivery pending again (a new retry window) and goes back to the page.
    @Sendable func redeliver(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await PageForm.checked(request, context: context)
        try context.require(.manageWebhooks)
        try await WebhookQueries.redeliver(
            tenant: try context.requireTenant(), webhook: form["webhook"] ?? "", event: form["event"] ?? "", database: database)
        return PageResponse.redirect(to: "/webhooks?redelivered=1")
    }
}
