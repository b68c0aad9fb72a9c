import TouchstoneCore
import TouchstoneStore

/// Approving and closing a period, for the API (`/api/v1/periods/{p}/approve|close`) and the
/// payroll page alike: the same scope checks, and the four-eyes rule (``FourEyes``) enforced
/// by the store in the approving transaction.
enum PayrollActions {
    /// Approves the period's payouts as the caller (a web person, so four eyes applies).
    /// - Returns: the number of rows approved.
    static func approve(_ period: Period, context: AppRequestContext, database: Database) async throws -> Int {
        let principal = try context.require(.approvePeriod)
        return try await PayoutQueries.approve(
            tenant: try context.requireTenant(), period: period, by: .person(principal.login), database: database)
    }

    /// Closes the period as the caller; refused while payout rows wait for an approval.
    static func close(_ period: Period, context: AppRequestContext, database: Database) async throws -> PeriodStatus {
        let principal = try context.require(.closePeriod)
        return try await PeriodQueries.close(tenant: try context.requireTenant(), period: period, actor: principal.login, database: database)
    }
}
