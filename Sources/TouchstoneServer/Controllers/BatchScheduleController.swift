import Hummingbird
import TouchstoneCore
import TouchstoneStore

/// `GET /api/v1/batch-schedule` (admin): when the tenant's batch runs by itself
/// (kpi-batch.md "Schedule"). It is set with `touchstone tenant schedule`.
struct BatchScheduleController {
    let database: Database

    /// The schedule as JSON: `enabled`, and when on, `day` (1–28) and `at` (`HH:MM`, tenant time).
    struct ScheduleJSON: ResponseEncodable {
        let enabled: Bool
        let day: Int?
        let at: String?
        let timezone: String
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("batch-schedule", use: schedule)
    }

    @Sendable func schedule(_ request: Request, context: AppRequestContext) async throws -> ScheduleJSON {
        try context.require(.readBatchSchedule)
        let tenant = try context.requireTenant()
        let schedule = try await BatchScheduleQueries.get(tenant: tenant, database: database)
        return ScheduleJSON(enabled: schedule != nil, day: schedule?.day, at: schedule?.time, timezone: tenant.timezone)
    }
}
