import Foundation

/// outlets.csv and staff.csv of the demo.
enum DemoStaffWriter {
    /// Every dealer of the spec (`dealer`, opened seven years before the first month).
    static func writeOutlets(_ history: DemoHistory, to url: URL) throws -> Int {
        var out = try ByteWriter(url: url)
        out.text(OutletWriter.header)
        try out.endLine()
        let opened = "\(history.calendar.periods[0].year - 7)-01-01"
        for dealer in DealerNetwork.dealers.prefix(history.spec.outlets) {
            out.text("\(dealer.code),\(dealer.name),dealer,\(dealer.regionPath),\(opened),,\(dealer.city)")
            try out.endLine()
        }
        return try out.close()
    }

    /// One row per assignment of ``DemoRoster``; everyone started two years before the first month.
    static func writeStaff(_ history: DemoHistory, to url: URL) throws -> (rows: Int, bytes: Int) {
        var out = try ByteWriter(url: url)
        out.text(StaffWriter.header)
        try out.endLine()
        var rng = Xoshiro256StarStar(seed: history.spec.seed, stream: DemoStream.staff.rawValue)
        let started = "\(history.calendar.periods[0].year - 2)-01-01"
        var names: [Int: (String, String)] = [:]
        for row in history.roster.assignments {
            if names[row.person] == nil { names[row.person] = (Names.person(&rng), rng.pick(StaffWriter.bonuses)) }
            let (name, bonus) = names[row.person]!
            out.employeeNo(row.person)
            out.text(",\(name),\(row.role),\(DealerNetwork.dealers[row.outlet].code),")
            if let first = row.first { history.calendar.writeDate(day: first, to: &out) } else { out.text(started) }
            out.byte(44)
            if let last = row.last { history.calendar.writeDate(day: last, to: &out) }
            out.text(",\(row.role == "manager" ? StaffWriter.managerBonus : bonus)")
            try out.endLine()
        }
        return (history.roster.assignments.count, try out.close())
    }
}
