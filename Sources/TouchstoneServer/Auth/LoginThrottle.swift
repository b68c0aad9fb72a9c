/// Failed page logins, counted per account (tenant code and login), per client address and
/// overall (``LoginLimits``). Past a limit, logins are refused whatever the password until the
/// oldest counted failure leaves its window; a successful login clears its account's count
/// (not its address's: one known password must not buy more guesses at other accounts).
actor LoginThrottle {
    /// Why a login is refused, and for how many whole seconds.
    enum Refusal: Equatable {
        /// The account has too many recent failures.
        case account(retryAfter: Int)
        /// The client address, or the daemon overall, has too many recent failures.
        case busy(retryAfter: Int)

        var retryAfter: Int {
            switch self {
            case .account(let seconds), .busy(let seconds): seconds
            }
        }
    }

    private var accounts: FailureLog
    private var addresses: FailureLog
    private var overall: FailureLog

    init(limits: LoginLimits = .default) {
        accounts = FailureLog(limit: limits.perAccount)
        addresses = FailureLog(limit: limits.perAddress)
        overall = FailureLog(limit: limits.overall)
    }

    /// Why a login of `login` at `tenant` from `address` is refused now; nil when it may go ahead.
    func refusal(tenant: String, login: String, address: String?) -> Refusal? {
        let now = ContinuousClock.now
        if let wait = accounts.retryAfter(Self.account(tenant, login), now: now) { return .account(retryAfter: wait) }
        let waits = [addresses.retryAfter(Self.address(address), now: now), overall.retryAfter("", now: now)].compactMap { $0 }
        return waits.max().map { .busy(retryAfter: $0) }
    }

    /// Counts a refused login.
    func recordFailure(tenant: String, login: String, address: String?) {
        let now = ContinuousClock.now
        accounts.record(Self.account(tenant, login), now: now)
        addresses.record(Self.address(address), now: now)
        overall.record("", now: now)
    }

    /// Clears the account's failures after a successful login.
    func recordSuccess(tenant: String, login: String) {
        accounts.clear(Self.account(tenant, login))
    }

    private static func account(_ tenant: String, _ login: String) -> String { "\(tenant)\n\(login)" }
    private static func address(_ address: String?) -> String { address ?? "unknown" }
}
