import Foundation

/// disputes.json: what the demo's dealers dispute in the last month, and head office's decision.
///
/// `[{"audit", "outlet", "item", "reason", "proposed", "decision"}]`, where `decision` is
/// `accept`, `reject` or `open` (left for head office to decide in the pages).
enum DemoDisputes {
    static let decisions = ["accept", "reject", "open"]
    static let reasons = [
        "H1": "The customer asked for extra work; the new time was agreed in writing. / 客户追加项目，新交车时间已书面确认。",
        "D2": "Covers were fitted in the workshop; the photo shows them. / 护套在车间内已安装，照片为证。",
    ]

    static func write(_ candidates: [DemoAuditWriter.Candidate], to url: URL) throws -> (count: Int, bytes: Int) {
        let rows = zip(candidates, decisions).map { candidate, decision in
            "  {\"audit\": \"\(candidate.audit)\", \"outlet\": \"\(DealerNetwork.dealers[candidate.outlet].code)\", "
                + "\"item\": \"\(candidate.item)\", \"reason\": \"\(reasons[candidate.item] ?? "")\", \"proposed\": \"yes\", "
                + "\"decision\": \"\(decision)\"}"
        }
        let text = "[\n" + rows.joined(separator: ",\n") + "\n]\n"
        return (rows.count, try Definitions.write(text, to: url))
    }
}
