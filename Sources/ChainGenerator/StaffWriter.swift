import Foundation

/// staff.csv: `employee_no,name,role,outlet_code,start_date,end_date,target_bonus`.
enum StaffWriter {
    static let header = "employee_no,name,role,outlet_code,start_date,end_date,target_bonus"

    static let bonuses = ["1200.00", "1500.00", "1800.00"]
    static let managerBonus = "6000.00"

    struct Counts {
        var people = 0
        var rows = 0
        var transfers = 0
        var roleChanges = 0
    }

    /// Writes one row per assignment. Everyone starts on 1 January two years before the period.
    /// A transfer ends at the home outlet on the cut day and starts at the next outlet the day after;
    /// a role change ends as `cashier` (or `advisor` for a manager's slot) on the cut day and goes on
    /// as `advisor` (or `manager`) the day after, at the same outlet. No assignments of one person overlap.
    static func write(spec: ChainSpec, period: Period, roster: Roster, to url: URL) throws -> (Counts, Int) {
        var out = try ByteWriter(url: url)
        out.text(header)
        try out.endLine()
        var rng = Xoshiro256StarStar(seed: spec.seed, stream: RandomStream.staff.rawValue)
        let started = "\(period.year - 2)-01-01"
        var counts = Counts()

        for k in 0..<roster.count {
            let name = Names.person(&rng)
            let drawn = rng.pick(bonuses)
            let role = roster.role(of: k)
            let bonus = role == "manager" ? managerBonus : drawn
            let home = roster.home(of: k)
            let cut = roster.cut(of: k)
            counts.people += 1
            switch roster.move(of: k) {
            case .stay:
                try row(&out, &counts, period, started, k, name, role, home, start: nil, end: nil, bonus)
            case .transfer:
                counts.transfers += 1
                try row(&out, &counts, period, started, k, name, role, home, start: nil, end: cut, bonus)
                try row(&out, &counts, period, started, k, name, role, roster.destination(of: k), start: cut + 1, end: nil, bonus)
            case .roleChange:
                counts.roleChanges += 1
                if role == "manager" {
                    try row(&out, &counts, period, started, k, name, "advisor", home, start: nil, end: cut, drawn)
                    try row(&out, &counts, period, started, k, name, "manager", home, start: cut + 1, end: nil, bonus)
                } else {
                    try row(&out, &counts, period, started, k, name, "cashier", home, start: nil, end: cut, bonus)
                    try row(&out, &counts, period, started, k, name, "advisor", home, start: cut + 1, end: nil, bonus)
                }
            }
        }
        let bytes = try out.close()
        return (counts, bytes)
    }

    private static func row(
        _ out: inout ByteWriter, _ counts: inout Counts, _ period: Period, _ started: String,
        _ k: Int, _ name: String, _ role: String, _ outlet: Int,
        start: Int?, end: Int?, _ bonus: String
    ) throws {
        out.employeeNo(k)
        out.byte(44)
        out.text(name)
        out.byte(44)
        out.text(role)
        out.byte(44)
        out.outletCode(outlet)
        out.byte(44)
        if let start { period.writeDate(day: start, to: &out) } else { out.text(started) }
        out.byte(44)
        if let end { period.writeDate(day: end, to: &out) }
        out.byte(44)
        out.text(bonus)
        try out.endLine()
        counts.rows += 1
    }
}
