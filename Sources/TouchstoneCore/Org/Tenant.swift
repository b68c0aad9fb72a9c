public import Foundation

/// A chain: the unit of tenancy. Every tenant-owned row carries its id.
public struct Tenant: Sendable, Codable, Equatable {
    public let id: Int64
    public let code: String
    public let name: String
    /// IANA time zone in which events are cut into periods (rules.md "Time").
    public let timezone: String
    /// ISO 4217 currency of payouts.
    public let currency: String
    /// Complaint SLA hours per severity.
    public let sla: SLAPolicy

    public init(id: Int64, code: String, name: String, timezone: String, currency: String, sla: SLAPolicy) {
        self.id = id
        self.code = code
        self.name = name
        self.timezone = timezone
        self.currency = currency
        self.sla = sla
    }

    /// The tenant's time zone (validated when the tenant is created).
    public var timeZone: TimeZone { TimeZone(identifier: timezone) ?? TimeZone(identifier: "Asia/Shanghai")! }
}
