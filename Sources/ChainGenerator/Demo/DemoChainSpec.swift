/// What `touchstone demo` loads: a dealer after-sales network with a year of history.
///
/// The same spec always gives byte-identical files. Unlike ``ChainSpec`` (one month, any size,
/// benchmarks), this chain is small and believable: named dealers, a real checklist, named
/// KPIs, seasonality, improving and declining outlets, transfers and disputes.
public struct DemoChainSpec: Sendable, Hashable {
    /// Number of dealers, 1...40 (taken in turn from the four regions of ``DealerNetwork``).
    public var outlets: Int
    /// Months of history, 1...24, ending with `lastPeriod`.
    public var months: Int
    /// The last (current) month, `YYYY-MM`.
    public var lastPeriod: String
    /// The seed of every random choice.
    public var seed: UInt64
    /// The tenant code written to `TENANT`.
    public var tenant: String

    public init(outlets: Int = 40, months: Int = 12, lastPeriod: String = "2026-10", seed: UInt64 = 7, tenant: String = "demo") {
        self.outlets = outlets
        self.months = months
        self.lastPeriod = lastPeriod
        self.seed = seed
        self.tenant = tenant
    }

    /// The demo: 40 dealers, 12 months ending 2026-10, seed 7, tenant `demo`.
    public static var standard: DemoChainSpec { DemoChainSpec() }

    /// The months, `YYYY-MM`, oldest first (the batch runs them in this order).
    public var periods: [String] {
        guard let last = Period(lastPeriod), (1...24).contains(months) else { return [] }
        return DemoCalendar(last: last, count: months).periods.map(\.text)
    }

    /// Checks the spec; `DemoChainWriter.write` calls this first.
    public func validate() throws {
        guard (1...DealerNetwork.dealers.count).contains(outlets) else {
            throw ChainGeneratorError.invalidSpec("outlets must be in 1...\(DealerNetwork.dealers.count)")
        }
        guard (1...24).contains(months) else { throw ChainGeneratorError.invalidSpec("months must be in 1...24") }
        guard Period(lastPeriod) != nil else { throw ChainGeneratorError.invalidSpec("lastPeriod must be YYYY-MM, got \(lastPeriod)") }
        try ChainSpec(outlets: 1, period: lastPeriod, tenant: tenant).validate()
    }
}

extension Period {
    /// `YYYY-MM`.
    var text: String { "\(year)-" + (month < 10 ? "0" : "") + "\(month)" }
}
