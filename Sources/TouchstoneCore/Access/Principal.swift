/// A user's role (issue "Security and tenancy"): head office sees its whole tenant, a region
/// manager its region subtree, an outlet manager its outlet, an auditor its own uploads, staff
/// their own results, an agency coordinator the visits and audits of its agency's auditors. What each may do is ``Policy``'s.
public enum Role: String, Sendable, Hashable, Codable, CaseIterable {
    case admin
    case analyst
    case regionManager = "region_manager"
    case outletManager = "outlet_manager"
    case auditor
    case staff
    /// An agency's coordinator: plans the visits of the auditors of its agency (`users.agency_code`).
    case agencyCoordinator = "agency_coordinator"
}

/// The authenticated caller: tenant, login, role and the scope the role is bound to.
public struct Principal: Sendable, Hashable, Codable {
    public var tenantID: Int64
    public var tenantCode: String
    public var login: String
    public var role: Role
    /// Region manager's subtree (`华东/上海`).
    public var regionPath: String?
    /// Outlet manager's outlet.
    public var outletCode: String?
    /// A staff member's own employee number.
    public var employeeNo: String?

    public init(
        tenantID: Int64, tenantCode: String, login: String, role: Role,
        regionPath: String? = nil, outletCode: String? = nil, employeeNo: String? = nil
    ) {
        self.tenantID = tenantID
        self.tenantCode = tenantCode
        self.login = login
        self.role = role
        self.regionPath = regionPath
        self.outletCode = outletCode
        self.employeeNo = employeeNo
    }

    /// Whether the caller may see the KPIs of an outlet that hangs under `regionPath`
    /// (``may(_:on:)`` with ``Action/readKPIs``).
    public func canSee(outlet code: String, regionPath outletRegion: String) -> Bool {
        may(.readKPIs, on: .outlet(code, regionPath: outletRegion))
    }
}
