/// Who works where on which day: the movers of the month, drawn before any file is written.
///
/// Staff member `k` (employee `P{k:07d}`) has home outlet `k / staffPerOutlet` and slot
/// `k % staffPerOutlet`. Only two bytes a person are kept (kind of move and the cut day), so the
/// national chain's 100,000 people take 200 KB.
struct Roster: Sendable {
    enum Move: UInt8, Sendable {
        /// Assigned to the home outlet all month.
        case stay = 0
        /// At the home outlet up to the cut day, at the next outlet (`(home + 1) % outlets`) from the day after.
        case transfer = 1
        /// At the home outlet all month, with another role from the day after the cut.
        case roleChange = 2
    }

    /// Roles by slot: 7 advisors, 2 cashiers, 1 manager in every 10 (as gen_chain.py).
    static let roles: [String] = Array(repeating: "advisor", count: 7) + ["cashier", "cashier", "manager"]

    let outlets: Int
    let perOutlet: Int
    private(set) var moves: [Move]
    private(set) var cuts: [UInt8]

    var count: Int { moves.count }

    /// Draws the movers: about 3 % transfers and 2 % role changes, each with a cut day in
    /// `2...min(28, days - 1)`. A chain of 40 or more people always has at least one of each
    /// (a single-outlet chain has no transfers).
    init(spec: ChainSpec, period: Period) {
        outlets = spec.outlets
        perOutlet = spec.staffPerOutlet
        let total = spec.outlets * spec.staffPerOutlet
        var rng = Xoshiro256StarStar(seed: spec.seed, stream: RandomStream.movers.rawValue)
        let lastCut = min(28, period.days - 1)
        moves = []
        moves.reserveCapacity(total)
        cuts = []
        cuts.reserveCapacity(total)
        for _ in 0..<total {
            let r = rng.unit()
            let cut = UInt8(rng.int(in: 2...lastCut))
            if r < 0.03 && outlets > 1 {
                moves.append(.transfer)
            } else if r < 0.05 {
                moves.append(.roleChange)
            } else {
                moves.append(.stay)
            }
            cuts.append(cut)
        }
        if total >= 40 {
            if outlets > 1 && !moves.contains(.transfer) { force(.transfer, from: total / 3) }
            if !moves.contains(.roleChange) { force(.roleChange, from: 2 * total / 3) }
        }
    }

    private mutating func force(_ move: Move, from start: Int) {
        var k = start
        while moves[k] != .stay { k = (k + 1) % moves.count }
        moves[k] = move
    }

    func home(of k: Int) -> Int { k / perOutlet }
    func role(of k: Int) -> String { Self.roles[k % perOutlet % Self.roles.count] }
    func move(of k: Int) -> Move { moves[k] }
    func cut(of k: Int) -> Int { Int(cuts[k]) }

    /// The outlet a transferred person moves to.
    func destination(of k: Int) -> Int { (home(of: k) + 1) % outlets }

    /// Fills `result` with the people assigned to `outlet` on `day` (1-based) of the month:
    /// its own staff except those transferred away before that day, and those transferred in by then.
    func assigned(to outlet: Int, day: Int, into result: inout [Int]) {
        result.removeAll(keepingCapacity: true)
        let first = outlet * perOutlet
        for k in first..<(first + perOutlet) where moves[k] != .transfer || day <= Int(cuts[k]) {
            result.append(k)
        }
        guard outlets > 1 else { return }
        let previous = (outlet + outlets - 1) % outlets
        let from = previous * perOutlet
        for k in from..<(from + perOutlet) where moves[k] == .transfer && day > Int(cuts[k]) {
            result.append(k)
        }
    }
}
