import PQ
public import TouchstoneCore

/// Which audits a caller may see, applied in SQL (`app_audit_visible`, sql/0010, its region
/// scope through `app_in_region_subtree` since sql/0090, its agency's auditors an argument since
/// sql/0270):
/// head office all; a region manager its subtree; an outlet manager the released, disputed
/// and final audits of its outlet; an auditor its own uploads; staff the released and final
/// audits that name them; an agency coordinator the uploads of its agency's auditors.
public struct AuditScope: Sendable, Hashable {
    let kind: String
    let value: String?

    /// Every audit of the tenant (head office, the CLI).
    public static let all = AuditScope(kind: "all", value: nil)
    /// Audits uploaded by `login`.
    public static func submitter(_ login: String) -> AuditScope { AuditScope(kind: "submitter", value: login) }
    /// Audits of outlets under `path` (the node itself and its whole subtree).
    public static func region(_ path: String) -> AuditScope { AuditScope(kind: "region", value: path) }
    /// Released, disputed and final audits of one outlet.
    public static func outlet(_ code: String) -> AuditScope { AuditScope(kind: "outlet", value: code) }
    /// Released and final audits naming the employee as `servedBy`.
    public static func staff(_ employeeNo: String) -> AuditScope { AuditScope(kind: "staff", value: employeeNo) }
    /// Audits uploaded by the auditors of the agency of coordinator `login` (resolved in SQL).
    public static func agency(coordinator login: String) -> AuditScope { AuditScope(kind: "agency", value: login) }
    /// Nothing.
    public static let none = AuditScope(kind: "none", value: nil)

    /// The audits `principal` may read: the SQL arguments of its ``Reach`` for
    /// ``Action/readAudits`` (the one place the policy becomes audit-scope arguments).
    public init(_ principal: Principal) {
        switch principal.reach(for: .readAudits) {
        case .tenant?: self = .all
        case .region(let path)?: self = .region(path)
        case .outlet(let code)?: self = .outlet(code)
        case .employee(let number)?: self = .staff(number)
        case .submitter(let login)?: self = .submitter(login)
        case .agency(let login)?: self = .agency(coordinator: login)
        case nil: self = .none
        }
    }

    /// The scope as `app_audit_visible`'s first three arguments: `app_audit_visible(\(fragment:
    /// scope.arguments), a.submitted_by, o.code, r.path, st.employee_no, a.state)`. An agency's
    /// auditors are a sub-query of their own, so PostgreSQL looks them up once per statement (an
    /// init plan), not once per audit row.
    var arguments: Query {
        let auditors: Query = kind == "agency" ? "(SELECT app_agency_auditors(\(value)))" : "NULL::text[]"
        return "\(kind), \(value), \(fragment: auditors)"
    }

    /// Whether callers in this scope may learn who audited: the auditor, the submitter and
    /// reuse links. Outlet managers and staff, who are the ones audited, may not.
    public var revealsAuditors: Bool { kind == "all" || kind == "region" || kind == "submitter" || kind == "agency" }

    private init(kind: String, value: String?) {
        self.kind = kind
        self.value = value
    }
}
