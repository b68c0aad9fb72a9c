public import Foundation

/// Something that happened which other systems may follow through webhooks (events.md).
/// The store writes it to the outbox in the transaction of the change itself
/// (`OutboxQueries.emit(_:on:)`); the body a receiver gets is
/// `{"id", "type", "tenant", "occurredAt", "subject", …data}`.
public struct OutboxEvent: Sendable, Equatable {
    /// The kinds of event, with their names on the wire.
    public enum EventType: String, Sendable, Hashable, CaseIterable, Codable {
        case auditReleased = "audit.released"
        case auditDisputed = "audit.disputed"
        case disputeDecided = "dispute.decided"
        case batchCompleted = "batch.completed"
        case periodClosed = "period.closed"
        case actionOpened = "action.opened"
        case actionOverdue = "action.overdue"
        case actionVerified = "action.verified"
        case complaintEscalated = "complaint.escalated"
    }

    /// What happened.
    public let type: EventType
    /// What it happened to: events of one subject reach each webhook in the order emitted
    /// (an audit id, a period such as `2026-05`).
    public let subject: String
    /// The event's own fields, merged into the body next to the common ones.
    public let data: [(key: String, value: JSONValue)]
    /// When it happened.
    public let occurredAt: Date

    public init(type: EventType, subject: String, data: [(key: String, value: JSONValue)], occurredAt: Date) {
        self.type = type
        self.subject = subject
        self.data = data
        self.occurredAt = occurredAt
    }

    public static func == (lhs: OutboxEvent, rhs: OutboxEvent) -> Bool {
        lhs.type == rhs.type && lhs.subject == rhs.subject && lhs.occurredAt == rhs.occurredAt
            && JSONValue.object(lhs.data) == JSONValue.object(rhs.data)
    }

    /// The names the body reserves (an event's data cannot replace them).
    public static let commonKeys: Set<String> = ["id", "type", "tenant", "occurredAt", "subject"]

    /// The whole body of the event `id` of tenant `tenant`: common fields, then the data
    /// (canonical JSON: keys sorted, so the same event always has the same bytes).
    public func body(id: UUID, tenant: String) -> String {
        var members: [(key: String, value: JSONValue)] = [
            ("id", .string(id.uuidString.lowercased())), ("type", .string(type.rawValue)), ("tenant", .string(tenant)),
            ("occurredAt", .string(Self.timestamp(occurredAt))), ("subject", .string(subject)),
        ]
        members += data.filter { !Self.commonKeys.contains($0.key) }
        return JSONValue.object(members).canonicalText
    }

    /// `2026-09-14T02:32:00.123Z`: UTC with milliseconds.
    public static func timestamp(_ date: Date) -> String {
        let millis = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let seconds = Int(floorDiv(millis, 1000))
        let base = Instant.format(Date(timeIntervalSince1970: TimeInterval(seconds)), in: TimeZone(identifier: "UTC")!)
        let ms = Int(millis - Int64(seconds) * 1000)
        let fraction = "." + String(repeating: "0", count: ms < 10 ? 2 : ms < 100 ? 1 : 0) + String(ms)
        return String(base.dropLast(6)) + fraction + "Z"
    }

    private static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : -((-a + b - 1) / b) }
}

extension OutboxEvent {
    /// An audit became visible to the outlet: released at upload (no review needed) or by review.
    public static func auditReleased(
        audit: String, outlet: String, template: String, score: String?, criticalFailure: Bool, by actor: String, at: Date
    ) -> OutboxEvent {
        OutboxEvent(
            type: .auditReleased, subject: audit,
            data: [
                ("audit", .string(audit)), ("outlet", .string(outlet)), ("template", .string(template)),
                ("score", score.map(JSONValue.number) ?? .null), ("criticalFailure", .bool(criticalFailure)), ("by", .string(actor)),
            ], occurredAt: at)
    }

    /// An outlet manager disputed items of a released audit.
    public static func auditDisputed(audit: String, outlet: String, items: [String], by actor: String, at: Date) -> OutboxEvent {
        OutboxEvent(
            type: .auditDisputed, subject: audit,
            data: [
                ("audit", .string(audit)), ("outlet", .string(outlet)), ("items", .array(items.map(JSONValue.string))),
                ("by", .string(actor)),
            ], occurredAt: at)
    }

    /// Head office decided the dispute on one item; `auditState` is `final` once none is open.
    public static func disputeDecided(
        audit: String, outlet: String, item: String, accepted: Bool, score: String?, auditState: String, by actor: String, at: Date
    ) -> OutboxEvent {
        OutboxEvent(
            type: .disputeDecided, subject: audit,
            data: [
                ("audit", .string(audit)), ("outlet", .string(outlet)), ("item", .string(item)), ("accepted", .bool(accepted)),
                ("score", score.map(JSONValue.number) ?? .null), ("auditState", .string(auditState)), ("by", .string(actor)),
            ], occurredAt: at)
    }

    /// A batch run of `period` succeeded (its results are committed).
    public static func batchCompleted(period: String, job: Int64, kpiRows: Int, payoutRows: Int, startedBy: String, at: Date) -> OutboxEvent {
        OutboxEvent(
            type: .batchCompleted, subject: period,
            data: [
                ("period", .string(period)), ("job", .number(String(job))), ("kpiRows", .number(String(kpiRows))),
                ("payoutRows", .number(String(payoutRows))), ("startedBy", .string(startedBy)),
            ], occurredAt: at)
    }

    /// A period was closed: its results and payouts are final.
    public static func periodClosed(period: String, resultsHash: String?, by actor: String, at: Date) -> OutboxEvent {
        OutboxEvent(
            type: .periodClosed, subject: period,
            data: [("period", .string(period)), ("resultsHash", resultsHash.map(JSONValue.string) ?? .null), ("by", .string(actor))],
            occurredAt: at)
    }

    /// A corrective action (docs/actions.md) was opened, verified, or passed its due date unverified.
    /// Subject: the action's id, so a receiver gets its events in order.
    public static func action(
        _ type: EventType, action: Int64, outlet: String, source: String, severity: String, state: String, owner: String?,
        dueAt: Date, at: Date
    ) -> OutboxEvent {
        OutboxEvent(
            type: type, subject: String(action),
            data: [
                ("action", .number(String(action))), ("outlet", .string(outlet)), ("source", .string(source)),
                ("severity", .string(severity)), ("state", .string(state)), ("owner", owner.map(JSONValue.string) ?? .null),
                ("dueAt", .string(timestamp(dueAt))),
            ], occurredAt: at)
    }

    /// A complaint case (docs/complaints.md) passed its escalation point unresolved and was
    /// escalated to the region manager of its outlet. Subject: the complaint id.
    public static func complaintEscalated(
        complaint: String, outlet: String, region: String, severity: String, state: String, deadline: Date, at: Date
    ) -> OutboxEvent {
        OutboxEvent(
            type: .complaintEscalated, subject: complaint,
            data: [
                ("complaint", .string(complaint)), ("outlet", .string(outlet)), ("region", .string(region)),
                ("severity", .string(severity)), ("state", .string(state)), ("deadline", .string(timestamp(deadline))),
            ], occurredAt: at)
    }
}
