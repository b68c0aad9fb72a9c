import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TouchstoneCore
import TouchstoneServer
import TouchstoneStore

/// `/api/v1/webhooks` and the `/webhooks` page: admins only, the secret shown once, URLs
/// checked (plain http only with `--allow-insecure-webhooks`), redelivery of a parked delivery.
@Suite("HTTP: webhooks")
struct WebhookAPITests {
    @Test func adminsRegisterListAndRemoveWebhooks() async throws {
        let app = try await TestApp.make()
        try await app.run { api in
            for login in ["analyst", "rm", "om1", "auditor", "e8"] {
                #expect(try await api.send(.get, "/api/v1/webhooks", as: login).status == .forbidden, "\(login)")
            }
            #expect(
                try await api.send(.post, "/api/v1/webhooks", as: "analyst", json: ["url": "https://hooks.example.com/a"]).status == .forbidden)
            // Plain http to this machine needs --allow-insecure-webhooks, which this daemon does not have.
            let insecure = try await api.send(.post, "/api/v1/webhooks", as: "admin", json: ["url": "http://127.0.0.1:9/hook"])
            #expect(insecure.status == .unprocessableContent)
            #expect(insecure.text.contains("--allow-insecure-webhooks"))
            let badType = try await api.send(
                .post, "/api/v1/webhooks", as: "admin", json: ["url": "https://hooks.example.com/a", "events": ["audit.eaten"]])
            #expect(badType.status == .unprocessableContent)
            #expect(badType.text.contains("events[0]"))

            let created = try await api.send(
                .post, "/api/v1/webhooks", as: "admin", json: ["url": "https://hooks.example.com/a", "events": ["audit.released"]])
            #expect(created.status == .created, "\(created.text)")
            let secret = try #require(created.json["secret"] as? String)
            #expect(secret.hasPrefix("whsec_"))
            let webhook = try #require(created.json["webhook"] as? [String: Any])
            let id = try #require(webhook["id"] as? String)
            #expect(webhook["eventTypes"] as? [String] == ["audit.released"])

            let listed = try await api.send(.get, "/api/v1/webhooks", as: "admin")
            #expect(listed.status == .ok)
            #expect(!listed.text.contains(secret))  // shown once
            #expect((listed.json["items"] as? [[String: Any]])?.count == 1)

            #expect(try await api.send(.delete, "/api/v1/webhooks/\(id)", as: "admin").status == .noContent)
            #expect(try await api.send(.delete, "/api/v1/webhooks/\(id)", as: "admin").status == .notFound)
            #expect((try await api.send(.get, "/api/v1/webhooks", as: "admin").json["items"] as? [[String: Any]])?.isEmpty == true)
        }
    }

    @Test func localReceiversAreAcceptedWithTheFlag() async throws {
        let app = try await TestApp.make(configuration: ServerConfiguration(uploadRateLimit: nil, allowInsecureWebhooks: true))
        try await app.run { api in
            let created = try await api.send(.post, "/api/v1/webhooks", as: "admin", json: ["url": "http://127.0.0.1:9/hook"])
            #expect(created.status == .created, "\(created.text)")
            let still = try await api.send(.post, "/api/v1/webhooks", as: "admin", json: ["url": "http://hooks.example.com/hook"])
            #expect(still.status == .unprocessableContent)
        }
    }

    @Test func thePageListsParkedDeliveriesAndRedelivers() async throws {
        let fixture = try await PageFixture.make()
        let app = fixture.app
        let (hook, _) = try await WebhookQueries.add(
            tenant: app.tenant, url: "https://hooks.example.com/p", eventTypes: [], createdBy: "admin", allowInsecure: false,
            database: app.database)
        let event = try await app.database.tenantTransaction(app.tenant) { conn in
            try OutboxQueries.emit(.periodClosed(period: "2026-09", resultsHash: nil, by: "t", at: Date()), on: conn)
        }
        // Its delivery failed for a day: parked.
        let claimed = try await OutboxQueries.claim(
            tenant: app.tenant, webhook: hook.id, at: Date(), leaseUntil: Date().addingTimeInterval(60), database: app.database)
        #expect(claimed.map(\.event) == [event])
        try await OutboxQueries.failed(
            tenant: app.tenant, claimed[0], status: 410, error: "HTTP 410", at: Date().addingTimeInterval(90_000), retry: .standard,
            database: app.database)

        try await app.application.test(.router) { client in
            let admin = try #require(try await PageClient.login(client, "admin"))
            let page = try await admin.get("/webhooks")
            #expect(page.status == .ok)
            #expect(page.text.contains(#"id="nav-webhooks""#))
            #expect(page.text.contains("https://hooks.example.com/p"))
            #expect(page.text.contains(#"data-event="\#(event.uuidString.lowercased())""#))
            #expect(page.text.contains(#"class="delivery-parked""#))
            #expect(page.text.contains("HTTP 410"))
            #expect(!page.text.contains("<script"))
            let csrf = try #require(PageClient.csrf(in: page.text))

            // Without the form's CSRF token: refused.
            let forged = try await admin.post(
                "/webhooks/redeliver", form: "webhook=\(hook.id.uuidString.lowercased())&event=\(event.uuidString.lowercased())")
            #expect(forged.status == .forbidden)
            let done = try await admin.post(
                "/webhooks/redeliver", form: "csrf=\(csrf)&webhook=\(hook.id.uuidString.lowercased())&event=\(event.uuidString.lowercased())")
            #expect(done.status == .seeOther)
            let deliveries = try await WebhookQueries.deliveries(tenant: app.tenant, event: event, database: app.database)
            #expect(deliveries.map(\.state) == ["pending"] && deliveries.first?.attempts == 0)
            #expect(try await admin.get("/webhooks?redelivered=1").text.contains(#"id="notice""#))

            let rm = try #require(try await PageClient.login(client, "rm"))
            #expect(try await rm.get("/webhooks").status == .forbidden)
            #expect(!(try await rm.get("/overview").text.contains("nav-webhooks")))
        }
    }
}
