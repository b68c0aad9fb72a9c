/// The authenticated caller of a request, as established by the authentication middleware.
///
/// A principal always belongs to exactly one tenant. The optional scope fields narrow what the
/// caller may see: a region manager is limited to `regionPath`, an outlet manager to `outletCode`,
/// and staff to their own `employeeNo`.
public struct Principal: Sendable, Hashable {
    /// The role a principal acts in. Raw values are the stable strings used in tokens and the database.
    public enum Role: String, Sendable, Hashable, CaseIterable, Codable {
        /// Head-office administrator: configuration, users, period closing.
        case admin
        /// Head-office analyst: read everything in the tenant, run the batch.
        case analyst
        /// Region manager: the outlets under `regionPath`.
        case regionManager = "region_manager"
        /// Outlet manager: one outlet, `outletCode`.
        case outletManager = "outlet_manager"
        /// Audit agency or inspector: uploads audits and evidence.
        case auditor
        /// A staff member: their own scores and payouts, `employeeNo`.
        case staff
    }

    /// Database id of the tenant.
    public var tenantID: Int64
    /// Stable external code of the tenant.
    public var tenantCode: String
    /// Who the caller is (user name, client id or token subject).
    public var subject: String
    /// The role the caller acts in.
    public var role: Role
    /// Org-tree path the caller is limited to (region managers), e.g. `HQ/EAST/SH`.
    public var regionPath: String?
    /// Outlet the caller is limited to (outlet managers).
    public var outletCode: String?
    /// Employee number of the caller (staff).
    public var employeeNo: String?

    /// Creates a principal.
    /// - Parameters:
    ///   - tenantID: Database id of the tenant.
    ///   - tenantCode: Stable external code of the tenant.
    ///   - subject: Who the caller is.
    ///   - role: The role the caller acts in.
    ///   - regionPath: Org-tree path scope, if any.
    ///   - outletCode: Outlet scope, if any.
    ///   - employeeNo: Employee number, if any.
    public init(
        tenantID: Int64,
        tenantCode: String,
        subject: String,
        role: Role,
        regionPath: String? = nil,
        outletCode: String? = nil,
        employeeNo: String? = nil
    ) {
        self.tenantID = tenantID
        self.tenantCode = tenantCode
        self.subject = subject
        self.role = role
        self.regionPath = regionPath
        self.outletCode = outletCode
        self.employeeNo = employeeNo
    }
}
