import Foundation

/// complaints.csv of the demo: a varying number a dealer a month (more at a larger, weaker dealer,
/// and in hard months), answered and resolved faster where service is better.
enum DemoComplaintWriter {
    /// SLA hours by severity (rules.md defaults) and the severities' odds.
    static let severities: [(name: String, hours: Int)] = [("high", 24), ("medium", 48), ("medium", 48), ("low", 72), ("low", 72)]

    static func write(_ history: DemoHistory, to url: URL) throws -> (rows: Int, bytes: Int) {
        var out = try ByteWriter(url: url)
        out.text(ComplaintWriter.header)
        try out.endLine()
        var rng = Xoshiro256StarStar(seed: history.spec.seed, stream: DemoStream.complaints.rawValue)
        var staff: [Int] = []
        var k = 0
        let end = history.calendar.minutes
        try history.forEachOutletMonth { m, outlet, quality in
            let weak = 1 - quality
            let expected = history.profiles[outlet].size * (0.4 + 16 * weak * weak)
            var count = 0
            for _ in 0..<24 where rng.chance(expected / 24) { count += 1 }
            for _ in 0..<count {
                let (opened, day) = history.instant(month: m, hours: 0...12, rng: &rng)
                let severity = rng.pick(severities)
                let response = opened + 5 + Int(rng.unit() * 900 * (1.05 - quality))
                let inTime = rng.chance(0.45 + 0.5 * quality)
                let sla = severity.hours * 60
                let resolved: Int? =
                    rng.chance(0.05)
                    ? nil
                    : opened + (inTime ? 30 + Int(rng.unit() * Double(sla - 30)) : sla + 60 + Int(rng.unit() * 4320))
                out.byte(67)  // C
                out.int(k, width: 8)
                out.text(",\(DealerNetwork.dealers[outlet].code),")
                if rng.chance(0.5) { history.writeSomeone(at: outlet, day: day, staff: &staff, rng: &rng, to: &out) }
                out.text(",\(severity.name),")
                history.calendar.writeInstant(minute: opened, to: &out)
                out.byte(44)
                if response < end { history.calendar.writeInstant(minute: response, to: &out) }
                out.byte(44)
                if let resolved, resolved < end { history.calendar.writeInstant(minute: resolved, to: &out) }
                try out.endLine()
                k += 1
            }
        }
        return (k, try out.close())
    }
}
