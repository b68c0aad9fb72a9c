/// A level of the KPI results (rules.md §4), in export order.
public enum KPILevel: String, Sendable, Codable, CaseIterable {
    case tenant, region, outlet, staff
}
