import Foundation

/// audits.jsonl: one audit document (formats.md) a line, every scored item of the template answered.
enum AuditWriter {
    static let measures = [20, 45, 59, 60, 61, 90]
    static let choices = ["A", "A", "B", "C"]

    /// Writes `auditsPerOutlet` audits for every outlet. A visit is on a random day of the month
    /// between 08:00 and 18:00 +08:00; `servedBy` is someone assigned to the outlet that day
    /// (left out when nobody is); `id` is a version-4-layout UUID from the generator.
    /// Answers: yes 80 % (97 % for critical items); scale uniform 1..5; measure `na` 10 %, else
    /// one of 20, 45, 59, 60, 61, 90 seconds; choice A 50 %, B 25 %, C 25 %.
    static func write(spec: ChainSpec, period: Period, roster: Roster, to url: URL) throws -> (audits: Int, answers: Int, bytes: Int) {
        var out = try ByteWriter(url: url)
        var rng = Xoshiro256StarStar(seed: spec.seed, stream: RandomStream.audits.rawValue)
        var staff: [Int] = []
        let items = Template.items
        let keys = items.map { "\"\($0.code)\": " }
        var audits = 0
        var answers = 0
        for outlet in 0..<spec.outlets {
            for _ in 0..<spec.auditsPerOutlet {
                let day = rng.int(in: 0...(period.days - 1))
                let minute = day * 1440 + 8 * 60 + rng.int(in: 0...600)
                out.text("{\"id\": \"")
                out.uuid(high: rng.next(), low: rng.next())
                out.text("\", \"template\": \"")
                out.text(Template.code)
                out.text("\", \"templateVersion\": ")
                out.int(Template.version)
                out.text(", \"outlet\": \"")
                out.outletCode(outlet)
                out.text("\", \"visitedAt\": \"")
                period.writeInstant(minute: minute, to: &out)
                out.text("\", \"auditor\": \"agency-")
                out.int(rng.int(in: 1...9))
                out.byte(34)
                roster.assigned(to: outlet, day: day + 1, into: &staff)
                if !staff.isEmpty {
                    out.text(", \"servedBy\": \"")
                    out.employeeNo(rng.pick(staff))
                    out.byte(34)
                }
                out.text(", \"answers\": {")
                for (n, item) in items.enumerated() {
                    if n > 0 { out.text(", ") }
                    out.text(keys[n])
                    switch item.kind {
                    case .yesno:
                        out.text(rng.chance(item.critical == nil ? 0.8 : 0.97) ? "\"yes\"" : "\"no\"")
                    case .scale:
                        out.int(rng.int(in: 1...5))
                    case .measure:
                        if rng.chance(0.1) { out.text("\"na\"") } else { out.int(rng.pick(measures)) }
                    case .choice:
                        out.byte(34)
                        out.text(rng.pick(choices))
                        out.byte(34)
                    }
                }
                out.text("}}")
                try out.endLine()
                audits += 1
                answers += items.count
            }
        }
        let bytes = try out.close()
        return (audits, answers, bytes)
    }
}
