/// What an action is taken on, as far as visibility is concerned.
public enum Subject: Sendable, Hashable {
    /// The whole tenant (tenant-level KPIs).
    case tenant
    /// A region node, by path (`华东/上海`).
    case region(String)
    /// An outlet, with the path of its region; nil when not looked up (callers whose reach
    /// needs it, region managers, must pass it).
    case outlet(String, regionPath: String?)
    /// A person, with the outlets they were ever assigned to (code and region path).
    case employee(String, assignedTo: [Place])

    /// An outlet and its region: where a person was assigned.
    public struct Place: Sendable, Hashable {
        public var outlet: String
        public var regionPath: String?

        public init(outlet: String, regionPath: String?) {
            self.outlet = outlet
            self.regionPath = regionPath
        }
    }
}
