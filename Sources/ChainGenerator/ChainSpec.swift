/// What chain to generate: its size, volumes per outlet, seed, month and tenant code.
///
/// The same spec always gives byte-identical files, on every machine.
public struct ChainSpec: Sendable, Hashable {
    /// Number of outlets (codes `N00000`, `N00001`, …).
    public var outlets: Int
    /// Staff members per outlet (each is an `advisor`, `cashier` or `manager`, 7:2:1).
    public var staffPerOutlet: Int
    /// Audits per outlet in the month.
    public var auditsPerOutlet: Int
    /// Survey responses per outlet in the month.
    public var surveysPerOutlet: Int
    /// Complaints per outlet in the month.
    public var complaintsPerOutlet: Int
    /// The seed of every random choice.
    public var seed: UInt64
    /// The month, `YYYY-MM`, in which every event lies (in +08:00).
    public var period: String
    /// The tenant code written to the `TENANT` file.
    public var tenant: String

    /// A spec; the defaults are those of `gen_chain.py` (10 staff, 1 audit, 100 surveys,
    /// 5 complaints per outlet, seed 7, period 2026-10, tenant `nat`).
    public init(
        outlets: Int,
        staffPerOutlet: Int = 10,
        auditsPerOutlet: Int = 1,
        surveysPerOutlet: Int = 100,
        complaintsPerOutlet: Int = 5,
        seed: UInt64 = 7,
        period: String = "2026-10",
        tenant: String = "nat"
    ) {
        self.outlets = outlets
        self.staffPerOutlet = staffPerOutlet
        self.auditsPerOutlet = auditsPerOutlet
        self.surveysPerOutlet = surveysPerOutlet
        self.complaintsPerOutlet = complaintsPerOutlet
        self.seed = seed
        self.period = period
        self.tenant = tenant
    }

    /// A small one-month chain for tests: 40 outlets in 4 top regions, 400 staff (including
    /// transfers and role changes), 2 audits, 30 survey responses and 3 complaints per outlet,
    /// tenant `demo`, period 2026-10. (`touchstone demo` loads ``DemoChainSpec/standard``.)
    public static var demo: ChainSpec {
        ChainSpec(
            outlets: 40, staffPerOutlet: 10, auditsPerOutlet: 2, surveysPerOutlet: 30,
            complaintsPerOutlet: 3, seed: 7, period: "2026-10", tenant: "demo")
    }

    /// The national chain of targets.md: 10,000 outlets, 100,000 staff, 10,000 audits,
    /// 1,000,000 survey responses, 50,000 complaints (about 77 MB), tenant `nat`, period 2026-10.
    public static var national: ChainSpec {
        ChainSpec(outlets: 10_000)
    }

    /// Checks the spec; `ChainWriter.write` calls this first.
    public func validate() throws {
        guard outlets >= 1 else { throw ChainGeneratorError.invalidSpec("outlets must be at least 1") }
        guard outlets <= 100_000 else { throw ChainGeneratorError.invalidSpec("outlets must be at most 100000 (codes N00000…N99999)") }
        for (name, value) in [
            ("staffPerOutlet", staffPerOutlet), ("auditsPerOutlet", auditsPerOutlet),
            ("surveysPerOutlet", surveysPerOutlet), ("complaintsPerOutlet", complaintsPerOutlet),
        ]
        where value < 0 || value > 100_000 {
            throw ChainGeneratorError.invalidSpec("\(name) must be in 0...100000")
        }
        guard let p = Period(period) else { throw ChainGeneratorError.invalidSpec("period must be YYYY-MM, got \(period)") }
        guard p.year >= 1010 else { throw ChainGeneratorError.invalidSpec("period year too early") }
        guard !tenant.isEmpty, tenant.utf8.allSatisfy({ $0 > 32 && $0 != 127 && $0 != 44 && $0 != 34 }) else {
            throw ChainGeneratorError.invalidSpec("tenant must be a non-empty code without spaces, commas or quotes")
        }
    }
}

/// Why a chain could not be written.
public enum ChainGeneratorError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The spec is out of range; the message says which field.
    case invalidSpec(String)
    /// A file could not be created.
    case cannotCreate(String)

    public var description: String {
        switch self {
        case .invalidSpec(let why): "invalid chain spec: \(why)"
        case .cannotCreate(let path): "cannot create \(path)"
        }
    }
}
