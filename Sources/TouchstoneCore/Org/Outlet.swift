/// An outlet (site, branch, dealer) and where it hangs in the org tree.
public struct Outlet: Sendable, Codable, Equatable {
    public var code: String
    public var name: String
    public var type: String?
    /// The org-tree path of its region, `/`-separated (`华东/上海/浦东`).
    public var regionPath: String
    public var openedOn: CivilDate?
    public var closedOn: CivilDate?
    public var city: String?

    public init(
        code: String, name: String, type: String? = nil, regionPath: String,
        openedOn: CivilDate? = nil, closedOn: CivilDate? = nil, city: String? = nil
    ) {
        self.code = code
        self.name = name
        self.type = type
        self.regionPath = regionPath
        self.openedOn = openedOn
        self.closedOn = closedOn
        self.city = city
    }

    /// Every problem with this outlet's fields, with paths.
    public var problems: [Problem] {
        var problems: [Problem] = []
        if code.isEmpty { problems.append(Problem(path: "code", message: "must not be empty")) }
        if name.isEmpty { problems.append(Problem(path: "name", message: "must not be empty")) }
        if regionPath.split(separator: "/", omittingEmptySubsequences: false).contains(where: \.isEmpty) {
            problems.append(Problem(path: "regionPath", message: "every part of the path must be non-empty (华东/上海/浦东)"))
        }
        if let openedOn, let closedOn, closedOn < openedOn {
            problems.append(Problem(path: "closedOn", message: "is before openedOn"))
        }
        return problems
    }
}
