/// Limits on failed page logins: per account, per client address and overall, each a number
/// of failures within a sliding window. Past a limit, logins are answered 429 with Retry-After
/// until the oldest counted failure leaves the window (whatever the password).
public struct LoginLimits: Sendable, Hashable {
    /// At most `failures` failed logins within `window`.
    public struct Limit: Sendable, Hashable {
        public var failures: Int
        public var window: Duration

        public init(failures: Int, window: Duration) {
            self.failures = failures
            self.window = window
        }
    }

    /// One account (tenant code and login).
    public var perAccount: Limit
    /// One client address (the peer, or the proxy's `X-Forwarded-For` when trusted).
    public var perAddress: Limit
    /// All logins of the daemon together: a guessing run spread over many addresses.
    public var overall: Limit

    public init(perAccount: Limit, perAddress: Limit, overall: Limit) {
        self.perAccount = perAccount
        self.perAddress = perAddress
        self.overall = overall
    }

    /// 5 per account and 30 per address in 15 minutes, 300 overall in 5 minutes.
    public static let `default` = LoginLimits(
        perAccount: Limit(failures: 5, window: .seconds(15 * 60)),
        perAddress: Limit(failures: 30, window: .seconds(15 * 60)),
        overall: Limit(failures: 300, window: .seconds(5 * 60)))
}
