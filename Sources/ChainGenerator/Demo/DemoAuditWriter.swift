import Foundation

/// audits.jsonl of the demo: two or three mystery-customer visits a dealer a month, answered
/// from the dealer's quality that month, every scored item of ``DealerChecklist`` answered.
enum DemoAuditWriter {
    /// An audit of the last month with a failed item a dealer may dispute.
    struct Candidate: Sendable {
        let audit: String
        let outlet: Int
        let item: String
    }

    /// Items a dealer disputes in the demo (a hand-over on time, the seat covers).
    static let disputable: Set<String> = ["H1", "D2"]

    static func write(_ history: DemoHistory, to url: URL) throws -> (audits: Int, bytes: Int, candidates: [Candidate]) {
        var out = try ByteWriter(url: url)
        var rng = Xoshiro256StarStar(seed: history.spec.seed, stream: DemoStream.audits.rawValue)
        var staff: [Int] = []
        var candidates: [Candidate] = []
        var audits = 0
        let last = history.calendar.periods.count - 1
        try history.forEachOutletMonth { m, outlet, quality in
            let visits = rng.chance(history.profiles[outlet].size - 0.6) ? 3 : 2
            for _ in 0..<visits {
                let (minute, day) = history.instant(month: m, hours: 1...9, rng: &rng)
                let id = ByteWriter.uuid(high: rng.next(), low: rng.next())
                out.text("{\"id\": \"\(id)\", \"template\": \"\(DealerChecklist.code)\", \"templateVersion\": \(DealerChecklist.version), ")
                out.text("\"outlet\": \"\(DealerNetwork.dealers[outlet].code)\", \"visitedAt\": \"")
                history.calendar.writeInstant(minute: minute, to: &out)
                out.text("\", \"auditor\": \"agency-\(rng.int(in: 1...4))/shopper-\(rng.int(in: 101...160))\"")
                history.roster.assigned(to: outlet, day: day, into: &staff)
                if !staff.isEmpty {
                    out.text(", \"servedBy\": \"")
                    out.employeeNo(rng.pick(staff))
                    out.byte(34)
                }
                out.text(", \"answers\": {")
                let visitQuality = quality + 0.1 * (rng.unit() - 0.5)
                var failed: String?
                for (n, item) in DealerChecklist.items.filter(\.kind.isScored).enumerated() {
                    let answer = DemoAnswers.draw(item, quality: visitQuality, rng: &rng)
                    out.text((n > 0 ? ", \"" : "\"") + item.code + "\": " + answer)
                    if answer == "\"no\"" && disputable.contains(item.code) { failed = failed ?? item.code }
                }
                out.text("}}")
                try out.endLine()
                audits += 1
                if m == last, let failed, !candidates.contains(where: { $0.outlet == outlet }) {
                    candidates.append(Candidate(audit: id, outlet: outlet, item: failed))
                }
            }
        }
        return (audits, try out.close(), candidates)
    }
}

/// One answer of a visit, as JSON, drawn from the visit's quality `q` (0...1).
enum DemoAnswers {
    static func draw(_ item: DealerChecklist.Item, quality q: Double, rng: inout Xoshiro256StarStar) -> String {
        if item.na && rng.chance(0.1) { return "\"na\"" }
        switch item.kind {
        case .yesno:
            let p = item.critical == nil ? q : 1 - (1 - q) * 0.15
            return rng.chance(p) ? "\"yes\"" : "\"no\""
        case .scale:
            return String(min(5, max(1, Int(1.5 + 4 * q + 1.6 * (rng.unit() - 0.5)))))
        case .measure(let max):
            return String(1 + Int(rng.unit() * 2 * Double(max) * (1.3 - q)))
        case .choice:
            let u = rng.unit()
            return u < q ? "\"full\"" : u < q + (1 - q) * 0.6 ? "\"partial\"" : "\"none\""
        case .photo, .text:
            return "null"
        }
    }
}
