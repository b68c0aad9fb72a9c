import Foundation
import Hummingbird
import TouchstoneCore
import TouchstoneStore

/// `/api/v1/webhooks` (admin, events.md): register, list and remove the tenant's webhooks,
/// see their failing and parked deliveries, and deliver again.
struct WebhookController {
    let database: Database
    /// Whether plain http:// to 127.0.0.1 / localhost is accepted (`--allow-insecure-webhooks`).
    let allowInsecure: Bool

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("webhooks", use: list)
        group.post("webhooks", use: create)
        group.delete("webhooks/:id", use: remove)
        group.get("webhooks/:id/deliveries", use: deliveries)
        group.post("webhooks/:id/redeliver", use: redeliver)
    }

    struct WebhookList: ResponseEncodable {
        let items: [Webhook]
    }

    struct CreateRequest: Decodable {
        let url: String
        /// Event types; absent or empty: every type.
        let events: [String]?
    }

    /// The new webhook with its signing secret: the only time the secret is shown.
    struct Created: ResponseEncodable {
        let webhook: Webhook
        let secret: String
    }

    struct DeliveryList: ResponseEncodable {
        let items: [WebhookDelivery]
    }

    struct RedeliverRequest: Decodable {
        /// One event (any state); absent: every parked delivery of the webhook.
        let event: String?
    }

    struct Redelivered: ResponseEncodable {
        let pending: Int
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> WebhookList {
        try context.require(.manageWebhooks)
        return WebhookList(items: try await WebhookQueries.list(tenant: try context.requireTenant(), database: database))
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<Created> {
        let principal = try context.require(.manageWebhooks)
        let body = try await request.decode(as: CreateRequest.self, context: context)
        let (webhook, secret) = try await WebhookQueries.add(
            tenant: try context.requireTenant(), url: body.url, eventTypes: body.events ?? [], createdBy: principal.login,
            allowInsecure: allowInsecure, database: database)
        return EditedResponse(status: .created, response: Created(webhook: webhook, secret: secret))
    }

    @Sendable func remove(_ request: Request, context: AppRequestContext) async throws -> HTTPResponse.Status {
        try context.require(.manageWebhooks)
        try await WebhookQueries.remove(tenant: try context.requireTenant(), id: try context.parameters.require("id"), database: database)
        return .noContent
    }

    @Sendable func deliveries(_ request: Request, context: AppRequestContext) async throws -> DeliveryList {
        try context.require(.manageWebhooks)
        let id = try context.parameters.require("id")
        let tenant = try context.requireTenant()
        guard let webhook = UUID(uuidString: id),
            try await WebhookQueries.list(tenant: tenant, database: database).contains(where: { $0.id == webhook })
        else { throw StoreError.notFound("webhook \(id)") }
        return DeliveryList(items: try await WebhookQueries.troubled(tenant: tenant, webhook: webhook, database: database))
    }

    @Sendable func redeliver(_ request: Request, context: AppRequestContext) async throws -> Redelivered {
        try context.require(.manageWebhooks)
        let body = try await request.decode(as: RedeliverRequest.self, context: context)
        let count = try await WebhookQueries.redeliver(
            tenant: try context.requireTenant(), webhook: try context.parameters.require("id"), event: body.event, database: database)
        return Redelivered(pending: count)
    }
}
