/// Request body size limits: a default, and larger limits for chosen routes.
///
/// Routes are matched by route template prefix (as registered, e.g. `/api/v1/audits/{id}/evidence`; Hummingbird renders `:id` captures as `{id}`),
/// longest prefix first.
public struct BodyLimit: Sendable, Hashable {
    /// One larger (or smaller) limit for routes whose template starts with `routePrefix`.
    public struct Rule: Sendable, Hashable {
        /// Route template prefix, e.g. `/api/v1/evidence`.
        public var routePrefix: String
        /// Limit in bytes for matching routes.
        public var maxSize: Int

        /// Creates a rule.
        /// - Parameters:
        ///   - routePrefix: Route template prefix.
        ///   - maxSize: Limit in bytes.
        public init(routePrefix: String, maxSize: Int) {
            self.routePrefix = routePrefix
            self.maxSize = maxSize
        }
    }

    /// Limit for routes no rule matches, in bytes.
    public var defaultMaxSize: Int
    /// Per-route limits.
    public var rules: [Rule]

    /// Creates limits.
    /// - Parameters:
    ///   - defaultMaxSize: Limit for routes no rule matches.
    ///   - rules: Per-route limits.
    public init(defaultMaxSize: Int, rules: [Rule] = []) {
        self.defaultMaxSize = defaultMaxSize
        self.rules = rules.sorted { $0.routePrefix.count > $1.routePrefix.count }
    }

    /// The limit for a route.
    /// - Parameter route: Route template (`context.endpointPath`), `nil` for unmatched requests.
    /// - Returns: The longest-prefix rule's limit, or the default.
    public func maxSize(forRoute route: String?) -> Int {
        guard let route else { return self.defaultMaxSize }
        return self.rules.first { route.hasPrefix($0.routePrefix) }?.maxSize ?? self.defaultMaxSize
    }
}
