public import Foundation
import PQ
public import TouchstoneCore

/// SQL for the batch schedule (kpi-batch.md "Schedule"): each tenant's setting, which tenants
/// have one, and the claim that makes a scheduled run happen once across daemons.
public enum BatchScheduleQueries {
    /// A tenant with a schedule, as the cross-tenant look-up returns it.
    public struct Scheduled: Sendable, Equatable {
        public let code: String
        public let timeZone: TimeZone
        public let schedule: BatchSchedule
        /// When the schedule was set (earlier run times are not caught up).
        public let since: Date
    }

    /// The tenant's schedule; nil when it is off.
    public static func get(tenant: Tenant, database: Database) async throws -> BatchSchedule? {
        try await database.tenantTransaction(tenant, readOnly: true) { conn in
            try decode(conn.queryFirst("SELECT batch_day, batch_minute FROM tenants WHERE id = app_current_tenant()"))
        }
    }

    /// Sets the tenant's schedule (nil: off) and returns it as stored.
    @discardableResult
    public static func set(tenant: Tenant, schedule: BatchSchedule?, database: Database) async throws -> BatchSchedule? {
        try await database.tenantTransaction(tenant) { conn in
            try decode(
                conn.queryFirst(
                    """
                    UPDATE tenants SET batch_day = \(schedule?.day), batch_minute = \(schedule?.minuteOfDay ?? BatchSchedule.standard.minuteOfDay),
                        batch_since = now()
                    WHERE id = app_current_tenant()
                    RETURNING batch_day, batch_minute
                    """))
        }
    }

    /// Every tenant with a schedule, through the look-up function (no tenant is set yet).
    public static func scheduled(database: Database) async throws -> [Scheduled] {
        try await database.pool.withConnection { conn in
            try conn.query("SELECT code, timezone, batch_day, batch_minute, batch_since FROM app_batch_schedules()").compactMap { row in
                let (code, timeZone, day, minute, since) = try row.decode((String, String, Int, Int, Date).self)
                guard let timeZone = TimeZone(identifier: timeZone), let schedule = BatchSchedule(day: day, minuteOfDay: minute)
                else { return nil }
                return Scheduled(code: code, timeZone: timeZone, schedule: schedule, since: since)
            }
        }
    }

    /// Claims `slot` for this caller: true for exactly one caller across daemons, and only
    /// while the slot's period is not closed. A concurrent claim waits for the first to commit,
    /// then finds the row and gets false.
    public static func claim(tenant: Tenant, slot: BatchSlot, database: Database) async throws -> Bool {
        try await database.tenantTransaction(tenant) { conn in
            try conn.queryFirst(
                """
                INSERT INTO batch_schedule_claims (tenant_id, period, day)
                SELECT app_current_tenant(), \(slot.period.description), \(slot.day.description)::date
                WHERE NOT EXISTS (SELECT 1 FROM periods WHERE period = \(slot.period.description) AND state = 'closed')
                ON CONFLICT (tenant_id, period, day) DO NOTHING
                RETURNING 1
                """) != nil
        }
    }

    /// Gives a claimed slot back (its run was cancelled), so another daemon can take it.
    public static func release(tenant: Tenant, slot: BatchSlot, database: Database) async throws {
        try await database.tenantTransaction(tenant) { conn in
            _ = try conn.execute(
                """
                DELETE FROM batch_schedule_claims WHERE period = \(slot.period.description) AND day = \(slot.day.description)::date
                """)
        }
    }

    /// A row of `batch_day, batch_minute`; nil when there is none or the day is NULL (off).
    private static func decode(_ row: PQRow?) throws -> BatchSchedule? {
        guard let row else { return nil }
        let (day, minute) = try row.decode((Int?, Int).self)
        return day.flatMap { BatchSchedule(day: $0, minuteOfDay: minute) }
    }
}
