public import Foundation
public import PQ
public import TouchstoneCore

/// The outbox (events.md): events written in the transaction of the change they describe, and
/// what the dispatcher needs to deliver them to webhooks.
public enum OutboxQueries {
    /// Writes `event` to the outbox of the current tenant, inside the caller's tenant
    /// transaction on `connection`, with one pending delivery for each active webhook that wants
    /// its type. Nothing is sent before the transaction commits; a rollback emits nothing.
    ///
    ///     try OutboxQueries.emit(.auditReleased(...), on: conn)
    ///
    /// - Returns: the event's id (receivers de-duplicate by it).
    @discardableResult
    public static func emit(_ event: OutboxEvent, on connection: PQConnection) throws -> UUID {
        try emit([event], on: connection)[0]
    }

    /// Writes `events` in their order (their `seq` follows it) with one statement, as
    /// ``emit(_:on:)`` writes one: a bulk change (an import) announces its events at once.
    /// - Returns: the events' ids, in order.
    @discardableResult
    static func emit(_ events: [OutboxEvent], on connection: PQConnection) throws -> [UUID] {
        guard !events.isEmpty else { return [] }
        let ids = events.map { _ in UUID() }
        // The body's tenant is the transaction's (app_current_tenant()), filled in here.
        try connection.execute(
            """
            WITH event AS (
                INSERT INTO outbox_events (tenant_id, id, type, subject, payload, occurred_at)
                SELECT app_current_tenant(), x.id, x.type, x.subject,
                       x.body::jsonb || jsonb_build_object('tenant', (SELECT code FROM tenants WHERE id = app_current_tenant())),
                       x.occurred_at
                FROM unnest(\(ids)::uuid[], \(events.map(\.type.rawValue))::text[], \(events.map(\.subject))::text[],
                            \(zip(ids, events).map { $1.body(id: $0, tenant: "") })::text[], \(events.map(\.occurredAt))::timestamptz[])
                     WITH ORDINALITY AS x(id, type, subject, body, occurred_at, n)
                ORDER BY x.n
                RETURNING tenant_id, id, seq, type, subject, occurred_at)
            INSERT INTO webhook_deliveries (tenant_id, webhook_id, event_id, event_seq, subject, window_start, next_attempt_at)
            SELECT event.tenant_id, w.id, event.id, event.seq, event.subject, event.occurred_at, event.occurred_at
            FROM event JOIN webhooks w ON w.tenant_id = event.tenant_id
            WHERE w.active AND (cardinality(w.event_types) = 0 OR event.type = ANY (w.event_types))
            """)
        return ids
    }

    /// An event as stored.
    public struct StoredEvent: Sendable, Equatable {
        public let id: UUID
        public let type: String
        public let subject: String
        /// The body receivers get.
        public let body: String
        public let occurredAt: Date
    }

    /// The tenant's latest events, newest first.
    public static func events(tenant: Tenant, limit: Int = 100, database: Database) async throws -> [StoredEvent] {
        try await database.tenantTransaction(tenant, readOnly: true) { conn in
            try conn.query(
                "SELECT id::text, type, subject, payload::text, occurred_at FROM outbox_events ORDER BY seq DESC LIMIT \(limit)"
            ).map { row in
                let (id, type, subject, body, occurredAt) = try row.decode((String, String, String, String, Date).self)
                return StoredEvent(id: UUID(uuidString: id)!, type: type, subject: subject, body: body, occurredAt: occurredAt)
            }
        }
    }

    // MARK: - The dispatcher

    /// The codes of the tenants with deliveries due at `at`, through the cross-tenant look-up
    /// (no tenant is set yet; security.md).
    public static func dueTenants(at: Date, database: Database) async throws -> [String] {
        try await database.lookup { conn in
            try conn.query("SELECT code FROM app_outbox_due(\(at)::timestamptz)").map { try $0.decode(String.self) }
        }
    }

    /// The active webhooks of `tenant` with deliveries due at `at`, except `busy` ones.
    public static func dueWebhooks(tenant: Tenant, at: Date, excluding busy: Set<UUID>, database: Database) async throws -> [UUID] {
        let busy = busy.map(\.uuidString)
        return try await database.tenantTransaction(tenant, readOnly: true) { conn in
            try conn.query(
                """
                SELECT DISTINCT d.webhook_id::text FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
                WHERE d.state = 'pending' AND d.next_attempt_at <= \(at)::timestamptz AND w.active
                  AND NOT d.webhook_id = ANY (\(busy)::uuid[])
                """
            ).compactMap { UUID(uuidString: try $0.decode(String.self)) }
        }
    }

    /// A delivery the dispatcher took: where, what and how often it was tried.
    public struct Claimed: Sendable, Equatable {
        public let webhook: UUID
        public let url: String
        public let secret: String
        public let event: UUID
        public let type: String
        public let body: String
        /// Failed attempts so far.
        public let attempts: Int
        public let windowStart: Date
    }

    /// Takes up to `limit` due deliveries of `webhook`, oldest event first, at most one per
    /// subject: the first pending event of each subject (a later one waits until the earlier is
    /// delivered or parked). Each is leased until `leaseUntil` (another dispatcher does not
    /// take it meanwhile; if this one dies, it is due again then).
    public static func claim(
        tenant: Tenant, webhook: UUID, at: Date, leaseUntil: Date, limit: Int = 20, database: Database
    ) async throws -> [Claimed] {
        try await database.tenantTransaction(tenant) { conn in
            guard
                let hook = try conn.queryFirst("SELECT url, secret FROM webhooks WHERE id = \(webhook.uuidString)::uuid AND active")
            else { return [] }
            let (url, secret) = try hook.decode((String, String).self)
            return try conn.query(
                """
                WITH due AS (
                    SELECT d.webhook_id, d.event_id FROM webhook_deliveries d
                    WHERE d.webhook_id = \(webhook.uuidString)::uuid AND d.state = 'pending' AND d.next_attempt_at <= \(at)::timestamptz
                      AND NOT EXISTS (
                          SELECT 1 FROM webhook_deliveries p
                          WHERE p.webhook_id = d.webhook_id AND p.subject = d.subject AND p.state = 'pending' AND p.event_seq < d.event_seq)
                    ORDER BY d.event_seq LIMIT \(limit)
                    FOR UPDATE OF d SKIP LOCKED)
                UPDATE webhook_deliveries d SET next_attempt_at = \(leaseUntil)::timestamptz
                FROM due JOIN outbox_events e ON e.id = due.event_id
                WHERE d.webhook_id = due.webhook_id AND d.event_id = due.event_id
                RETURNING e.seq, d.event_id::text, e.type, e.payload::text, d.attempts, d.window_start
                """
            ).map { row in
                let (seq, event, type, body, attempts, windowStart) = try row.decode((Int64, String, String, String, Int, Date).self)
                return (
                    seq,
                    Claimed(
                        webhook: webhook, url: url, secret: secret, event: UUID(uuidString: event)!, type: type, body: body,
                        attempts: attempts, windowStart: windowStart)
                )
            }.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }

    /// Records a 2xx: the delivery is done.
    public static func delivered(tenant: Tenant, _ claimed: Claimed, status: Int, at: Date, database: Database) async throws {
        try await database.tenantTransaction(tenant, rerun: .always) { conn in
            _ = try conn.execute(
                """
                UPDATE webhook_deliveries SET state = 'delivered', attempts = attempts + 1, last_attempt_at = \(at)::timestamptz,
                       last_status = \(status), last_error = NULL, delivered_at = \(at)::timestamptz
                WHERE webhook_id = \(claimed.webhook.uuidString)::uuid AND event_id = \(claimed.event.uuidString)::uuid AND state = 'pending'
                """)
        }
    }

    /// Records a failed attempt: due again by `retry`'s schedule, or parked after its window.
    /// - Returns: whether the delivery was parked.
    @discardableResult
    public static func failed(
        tenant: Tenant, _ claimed: Claimed, status: Int?, error: String, at: Date, retry: WebhookRetry, database: Database
    ) async throws -> Bool {
        let attempts = claimed.attempts + 1
        let next = retry.next(afterAttempts: attempts, windowStart: claimed.windowStart, now: at)
        try await database.tenantTransaction(tenant, rerun: .always) { conn in
            _ = try conn.execute(
                """
                UPDATE webhook_deliveries SET attempts = \(attempts), last_attempt_at = \(at)::timestamptz,
                       last_status = \(status), last_error = \(String(error.prefix(500))),
                       state = \(next == nil ? "parked" : "pending"), next_attempt_at = coalesce(\(next)::timestamptz, next_attempt_at)
                WHERE webhook_id = \(claimed.webhook.uuidString)::uuid AND event_id = \(claimed.event.uuidString)::uuid AND state = 'pending'
                """)
        }
        return next == nil
    }
}
