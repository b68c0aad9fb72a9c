import Foundation
import Hummingbird
import TouchstoneCore
import TouchstoneStore

/// The period a page shows: `?period=` when given, else the period of the tenant's latest
/// batch run, else last month.
enum PagePeriod {
    static func of(_ request: Request, tenant: Tenant, database: Database) async throws -> Period {
        if let text = request.uri.queryParameters["period"], !text.isEmpty {
            return try Period.parse(String(text))
        }
        if let latest = try await BatchJobQueries.list(tenant: tenant, limit: 1, database: database).first, let period = Period(latest.period) {
            return period
        }
        return Period.containing(Date(), kind: .month, in: tenant.timeZone).previous
    }
}
