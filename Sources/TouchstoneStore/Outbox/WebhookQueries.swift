import Crypto
public import Foundation
import PQ
public import TouchstoneCore

/// A registered receiver of a tenant's events (events.md). Its secret is shown once, when it
/// is created, and never listed.
public struct Webhook: Sendable, Equatable, Codable {
    public let id: UUID
    public let url: String
    /// The event types it receives; empty: every type.
    public let eventTypes: [String]
    public let active: Bool
    public let createdBy: String
    public let createdAt: Date
    /// Deliveries still being tried, and parked ones (given up after the retry window).
    public let pending: Int
    public let parked: Int
}

/// One event × webhook, as the webhooks page and `touchstone webhooks list` show it.
public struct WebhookDelivery: Sendable, Equatable, Codable {
    public let webhook: UUID
    public let event: UUID
    public let type: String
    public let subject: String
    /// `pending`, `delivered` or `parked`.
    public let state: String
    public let attempts: Int
    public let nextAttemptAt: Date?
    public let lastAttemptAt: Date?
    public let lastStatus: Int?
    public let lastError: String?
}

/// SQL for registering webhooks and looking at their deliveries.
public enum WebhookQueries {
    /// Registers a webhook. `allowInsecure`: plain http:// to this machine is accepted
    /// (``WebhookURL``).
    /// - Returns: the webhook and its signing secret (shown this once).
    /// - Throws: ``StoreError/invalid(_:)`` naming `url` or `events` when they are not acceptable.
    public static func add(
        tenant: Tenant, url: String, eventTypes: [String], createdBy: String, allowInsecure: Bool, database: Database
    ) async throws -> (webhook: Webhook, secret: String) {
        var problems: [Problem] = []
        if let problem = WebhookURL.problem(url, allowInsecure: allowInsecure) { problems.append(Problem(path: "url", message: problem)) }
        for (i, type) in eventTypes.enumerated() where OutboxEvent.EventType(rawValue: type) == nil {
            problems.append(
                Problem(
                    path: "events[\(i)]",
                    message: "\"\(type)\" is not an event type (\(OutboxEvent.EventType.allCases.map(\.rawValue).joined(separator: ", ")))"))
        }
        guard problems.isEmpty else { throw StoreError.invalid(problems) }
        let id = UUID()
        let secret = "whsec_" + SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.map { String(format: "%02x", $0) }.joined()
        let types = Array(Set(eventTypes)).sorted()
        try await database.tenantTransaction(tenant) { conn in
            _ = try conn.execute(
                """
                INSERT INTO webhooks (tenant_id, id, url, secret, event_types, created_by)
                VALUES (app_current_tenant(), \(id.uuidString)::uuid, \(url), \(secret), \(types)::text[], \(createdBy))
                """)
        }
        guard let webhook = try await list(tenant: tenant, database: database).first(where: { $0.id == id }) else {
            throw StoreError.notFound("webhook \(id)")
        }
        return (webhook, secret)
    }

    /// The tenant's webhooks that were not removed, oldest first, with their delivery counts.
    public static func list(tenant: Tenant, database: Database) async throws -> [Webhook] {
        try await database.tenantTransaction(tenant, readOnly: true) { conn in
            try conn.query(
                """
                SELECT w.id::text, w.url, w.event_types, w.active, w.created_by, w.created_at,
                       (SELECT count(*) FROM webhook_deliveries d WHERE d.webhook_id = w.id AND d.state = 'pending'),
                       (SELECT count(*) FROM webhook_deliveries d WHERE d.webhook_id = w.id AND d.state = 'parked')
                FROM webhooks w WHERE w.removed_at IS NULL ORDER BY w.created_at, w.id
                """
            ).map { row in
                let (id, url, eventTypes, active, createdBy, createdAt, pending, parked) =
                    try row.decode((String, String, [String], Bool, String, Date, Int, Int).self)
                return Webhook(
                    id: UUID(uuidString: id)!, url: url, eventTypes: eventTypes, active: active, createdBy: createdBy, createdAt: createdAt,
                    pending: pending, parked: parked)
            }
        }
    }

    /// Removes a webhook: it gets nothing more; its deliveries stay as history, those still
    /// pending parked ("webhook removed").
    /// - Throws: ``StoreError/notFound(_:)`` when the tenant has no such webhook.
    public static func remove(tenant: Tenant, id: String, database: Database) async throws {
        guard let uuid = UUID(uuidString: id) else { throw StoreError.notFound("webhook \(id)") }
        let removed = try await database.tenantTransaction(tenant) { conn in
            let removed = try conn.execute(
                "UPDATE webhooks SET active = false, removed_at = now() WHERE id = \(uuid.uuidString)::uuid AND removed_at IS NULL")
            _ = try conn.execute(
                """
                UPDATE webhook_deliveries SET state = 'parked', last_error = 'webhook removed'
                WHERE webhook_id = \(uuid.uuidString)::uuid AND state = 'pending'
                """)
            return removed
        }
        guard removed == 1 else { throw StoreError.notFound("webhook \(id)") }
    }

    /// Deliveries that are parked or have failed at least once (newest event first), the
    /// ones an admin looks at; `webhook`: of that webhook only.
    public static func troubled(tenant: Tenant, webhook: UUID? = nil, limit: Int = 200, database: Database) async throws -> [WebhookDelivery] {
        try await database.tenantTransaction(tenant, readOnly: true) { conn in
            try conn.query(
                """
                SELECT d.webhook_id::text, d.event_id::text, e.type, e.subject, d.state, d.attempts,
                       CASE WHEN d.state = 'pending' THEN d.next_attempt_at END, d.last_attempt_at, d.last_status, d.last_error
                FROM webhook_deliveries d JOIN outbox_events e ON e.id = d.event_id JOIN webhooks w ON w.id = d.webhook_id
                WHERE w.removed_at IS NULL AND (d.state = 'parked' OR (d.state = 'pending' AND d.attempts > 0))
                  AND (\(webhook?.uuidString)::uuid IS NULL OR d.webhook_id = \(webhook?.uuidString)::uuid)
                ORDER BY e.seq DESC LIMIT \(limit)
                """
            ).map(decodeDelivery)
        }
    }

    /// Every delivery of one event (for tests and support).
    public static func deliveries(tenant: Tenant, event: UUID, database: Database) async throws -> [WebhookDelivery] {
        try await database.tenantTransaction(tenant, readOnly: true) { conn in
            try conn.query(
                """
                SELECT d.webhook_id::text, d.event_id::text, e.type, e.subject, d.state, d.attempts,
                       CASE WHEN d.state = 'pending' THEN d.next_attempt_at END, d.last_attempt_at, d.last_status, d.last_error
                FROM webhook_deliveries d JOIN outbox_events e ON e.id = d.event_id
                WHERE d.event_id = \(event.uuidString)::uuid ORDER BY d.webhook_id
                """
            ).map(decodeDelivery)
        }
    }

    /// Tries deliveries of `webhook` again from now, with a new retry window: the one of
    /// `event` (whatever its state), or, without an event, every parked one.
    /// - Returns: how many deliveries are pending again.
    /// - Throws: ``StoreError/notFound(_:)`` for an unknown webhook, or an event it never had.
    @discardableResult
    public static func redeliver(tenant: Tenant, webhook: String, event: String?, now: Date = Date(), database: Database) async throws -> Int {
        guard let hook = UUID(uuidString: webhook) else { throw StoreError.notFound("webhook \(webhook)") }
        let eventID: UUID?
        if let event {
            guard let id = UUID(uuidString: event) else { throw StoreError.notFound("event \(event)") }
            eventID = id
        } else {
            eventID = nil
        }
        return try await database.tenantTransaction(tenant) { conn in
            guard try conn.queryFirst("SELECT 1 FROM webhooks WHERE id = \(hook.uuidString)::uuid AND removed_at IS NULL") != nil else {
                throw StoreError.notFound("webhook \(webhook)")
            }
            let count = try conn.execute(
                """
                UPDATE webhook_deliveries SET state = 'pending', attempts = 0, window_start = \(now)::timestamptz,
                       next_attempt_at = \(now)::timestamptz, delivered_at = NULL
                WHERE webhook_id = \(hook.uuidString)::uuid
                  AND (CASE WHEN \(eventID?.uuidString)::uuid IS NULL THEN state = 'parked' ELSE event_id = \(eventID?.uuidString)::uuid END)
                """)
            if let event, count == 0 { throw StoreError.notFound("delivery of event \(event) to webhook \(webhook)") }
            return count
        }
    }

    private static func decodeDelivery(_ row: PQRow) throws -> WebhookDelivery {
        let (webhook, event, type, subject, state, attempts, nextAttemptAt, lastAttemptAt, lastStatus, lastError) =
            try row.decode((String, String, String, String, String, Int, Date?, Date?, Int?, String?).self)
        return WebhookDelivery(
            webhook: UUID(uuidString: webhook)!, event: UUID(uuidString: event)!, type: type, subject: subject, state: state,
            attempts: attempts, nextAttemptAt: nextAttemptAt, lastAttemptAt: lastAttemptAt, lastStatus: lastStatus, lastError: lastError)
    }
}

/// The `Touchstone-Signature` of a delivery (events.md "Verifying a delivery"):
/// `v1=` + hex HMAC-SHA256 with the webhook's secret over `"<timestamp>.<body>"`.
public enum WebhookSignature {
    /// The header value for `body` sent at `timestamp` (Unix seconds).
    public static func sign(body: String, timestamp: Int, secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("\(timestamp).\(body)".utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return "v1=" + Data(mac).map { String(format: "%02x", $0) }.joined()
    }

    /// Whether `header` is the signature of `body` at `timestamp` (constant-time comparison).
    public static func verify(header: String, body: String, timestamp: Int, secret: String) -> Bool {
        let expected = Array(sign(body: body, timestamp: timestamp, secret: secret).utf8)
        let given = Array(header.utf8)
        guard expected.count == given.count else { return false }
        return zip(expected, given).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
