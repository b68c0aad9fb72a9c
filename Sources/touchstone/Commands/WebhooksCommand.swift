import ArgumentParser
import Foundation
import TouchstoneCore
import TouchstoneStore

/// `touchstone webhooks add|list|remove|redeliver --tenant T` (events.md): the tenant's webhooks.
struct WebhooksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhooks",
        abstract: "Register, list and remove the webhooks other systems follow Touchstone's events with (docs/events.md).",
        subcommands: [Add.self, List.self, Remove.self, Redeliver.self])

    /// `webhooks add --tenant T --url U [--event TYPE]…`: prints the id and the secret (shown once).
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register a webhook; prints its id and signing secret (shown this once).")

        @Option(help: "The tenant code.") var tenant: String
        @Option(help: "Where events are POSTed: https://… (http://127.0.0.1 or localhost only with --allow-insecure-webhooks).") var url: String
        @Option(name: .customLong("event"), help: "An event type it receives (repeat); none: every type.") var events: [String] = []
        @Flag(help: "Accept plain http:// to 127.0.0.1 or localhost (the daemon must run with --allow-insecure-webhooks to deliver).")
        var allowInsecureWebhooks = false
        @OptionGroup var options: CommonOptions

        func run() async throws {
            try await reportingFailures {
                let (webhook, secret) = try await options.withTenant(tenant) { database, tenant in
                    try await WebhookQueries.add(
                        tenant: tenant, url: url, eventTypes: events, createdBy: "cli", allowInsecure: allowInsecureWebhooks, database: database)
                }
                print("webhook \(webhook.id.uuidString.lowercased()) → \(webhook.url)")
                print("events: \(webhook.eventTypes.isEmpty ? "all" : webhook.eventTypes.joined(separator: ", "))")
                print("secret: \(secret)")
                print("Keep the secret: it signs every delivery (Touchstone-Signature) and is not shown again.")
            }
        }
    }

    /// `webhooks list --tenant T [--deliveries]`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the webhooks, and with --deliveries their failing and parked deliveries.")

        @Option(help: "The tenant code.") var tenant: String
        @Flag(help: "Also list the deliveries that failed or were parked.") var deliveries = false
        @OptionGroup var options: CommonOptions

        func run() async throws {
            try await reportingFailures {
                let (hooks, troubled, zone) = try await options.withTenant(tenant) { database, tenant in
                    (
                        try await WebhookQueries.list(tenant: tenant, database: database),
                        deliveries ? try await WebhookQueries.troubled(tenant: tenant, database: database) : [],
                        tenant.timeZone
                    )
                }
                if hooks.isEmpty { print("no webhook") }
                for hook in hooks {
                    let types = hook.eventTypes.isEmpty ? "all events" : hook.eventTypes.joined(separator: ",")
                    print("\(hook.id.uuidString.lowercased())  \(hook.url)  \(types)  pending \(hook.pending)  parked \(hook.parked)")
                }
                for d in troubled {
                    let last = d.lastAttemptAt.map { Instant.format($0, in: zone) } ?? "-"
                    print(
                        "\(d.webhook.uuidString.lowercased())  event \(d.event.uuidString.lowercased())  \(d.type)  \(d.state)  attempts \(d.attempts)  last \(last)  \(d.lastStatus.map { "HTTP \($0)" } ?? d.lastError ?? "")"
                    )
                }
            }
        }
    }

    /// `webhooks remove --tenant T --id W`.
    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a webhook: it receives nothing more.")

        @Option(help: "The tenant code.") var tenant: String
        @Option(help: "The webhook's id.") var id: String
        @OptionGroup var options: CommonOptions

        func run() async throws {
            try await reportingFailures {
                try await options.withTenant(tenant) { database, tenant in
                    try await WebhookQueries.remove(tenant: tenant, id: id, database: database)
                }
                print("webhook \(id) removed")
            }
        }
    }

    /// `webhooks redeliver --tenant T --id W [--event E]`.
    struct Redeliver: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Deliver again, with a new 24-hour retry window: one event, or every parked delivery of the webhook.")

        @Option(help: "The tenant code.") var tenant: String
        @Option(help: "The webhook's id.") var id: String
        @Option(help: "The event's id; without it, every parked delivery of the webhook.") var event: String?
        @OptionGroup var options: CommonOptions

        func run() async throws {
            try await reportingFailures {
                let count = try await options.withTenant(tenant) { database, tenant in
                    try await WebhookQueries.redeliver(tenant: tenant, webhook: id, event: event, database: database)
                }
                print("\(count) deliver\(count == 1 ? "y" : "ies") pending again; the daemon sends them within seconds")
            }
        }
    }
}
