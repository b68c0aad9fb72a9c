/// The part of a tenant a principal's role reaches: the one visibility rule for subjects.
/// Store maps it to SQL arguments (`AuditScope`, the `within`/`outlet` filters), where the
/// region test is `app_in_region_subtree`, the twin of ``RegionSubtree``.
public enum Reach: Sendable, Hashable {
    /// Everything of the tenant (head office).
    case tenant
    /// A region's subtree (a region manager).
    case region(String)
    /// One outlet (an outlet manager).
    case outlet(String)
    /// One person (staff: themselves).
    case employee(String)
    /// The audits one login uploaded (an auditor); no other subject.
    case submitter(String)
    /// The visits and audits of the auditors of one agency: the agency of the coordinator with
    /// this login, looked up by the store in SQL at every query (so a changed agency applies at
    /// once); no other subject.
    case agency(coordinator: String)

    /// Whether `subject` lies within this reach.
    public func covers(_ subject: Subject) -> Bool {
        switch (self, subject) {
        case (.tenant, _): true
        case (.region(let root), .region(let path)): RegionSubtree.contains(path, root: root)
        case (.region(let root), .outlet(_, let path?)): RegionSubtree.contains(path, root: root)
        case (.region, .employee(_, let places)), (.outlet, .employee(_, let places)):
            places.contains { covers(.outlet($0.outlet, regionPath: $0.regionPath)) }
        case (.outlet(let own), .outlet(let code, _)): own == code
        case (.employee(let own), .employee(let number, _)): own == number
        default: false
        }
    }
}
