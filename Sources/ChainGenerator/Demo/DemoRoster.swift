/// Who works where, and as what, on each day of the demo's year.
///
/// Ten people a dealer (``Roster/roles``: 7 advisors, 2 cashiers, 1 manager); person `k` starts at
/// dealer `k / 10`. About one advisor in eight dealers transfers to another dealer on a drawn day,
/// and (from two dealers on) one manager leaves and an advisor of the same dealer is promoted.
struct DemoRoster: Sendable {
    static let perOutlet = 10

    /// One row of staff.csv. Days are counted from the calendar's first day (0); nil means open.
    struct Assignment: Sendable {
        let person: Int
        let outlet: Int
        let role: String
        let first: Int?
        let last: Int?

        func covers(_ day: Int) -> Bool { (first ?? Int.min) <= day && day <= (last ?? Int.max) }
    }

    let people: Int
    let assignments: [Assignment]
    let transfers: Int
    let promotions: Int
    private let byOutlet: [[Assignment]]

    init(spec: DemoChainSpec, calendar: DemoCalendar) {
        var rng = Xoshiro256StarStar(seed: spec.seed, stream: DemoStream.roster.rawValue)
        let days = calendar.minutes / 1440
        people = spec.outlets * Self.perOutlet
        var moves: [Int: (day: Int, to: Int)] = [:]
        if spec.outlets > 1 {
            for _ in 0..<max(1, spec.outlets / 8) {
                let k = rng.int(in: 0...(spec.outlets - 1)) * Self.perOutlet + rng.int(in: 0...6)
                let to = (k / Self.perOutlet + rng.int(in: 1...(spec.outlets - 1))) % spec.outlets
                moves[k] = (rng.int(in: days / 6...(days - 20)), to)
            }
        }
        let promoted = spec.outlets > 1 ? rng.int(in: 0...(spec.outlets - 1)) : nil
        let promotionDay = rng.int(in: days / 3...(2 * days / 3))
        // The promoted advisor: the first of the dealer's advisors who does not transfer.
        let successor = promoted.flatMap { outlet in (0...6).map { outlet * Self.perOutlet + $0 }.first { moves[$0] == nil } }
        var rows: [Assignment] = []
        for k in 0..<people {
            let home = k / Self.perOutlet
            let role = Roster.roles[k % Self.perOutlet]
            if let move = moves[k] {
                rows.append(Assignment(person: k, outlet: home, role: role, first: nil, last: move.day))
                rows.append(Assignment(person: k, outlet: move.to, role: role, first: move.day + 1, last: nil))
            } else if successor != nil && home == promoted && role == "manager" {
                rows.append(Assignment(person: k, outlet: home, role: role, first: nil, last: promotionDay))
            } else if k == successor {
                rows.append(Assignment(person: k, outlet: home, role: "advisor", first: nil, last: promotionDay))
                rows.append(Assignment(person: k, outlet: home, role: "manager", first: promotionDay + 1, last: nil))
            } else {
                rows.append(Assignment(person: k, outlet: home, role: role, first: nil, last: nil))
            }
        }
        assignments = rows
        transfers = moves.count
        promotions = successor == nil ? 0 : 1
        var byOutlet = Array(repeating: [Assignment](), count: spec.outlets)
        for row in rows { byOutlet[row.outlet].append(row) }
        self.byOutlet = byOutlet
    }

    /// Fills `result` with the people at `outlet` on `day`.
    func assigned(to outlet: Int, day: Int, into result: inout [Int]) {
        result.removeAll(keepingCapacity: true)
        for row in byOutlet[outlet] where row.covers(day) { result.append(row.person) }
    }
}
