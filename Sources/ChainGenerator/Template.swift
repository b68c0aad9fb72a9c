import Foundation

/// The audit template `nat-visit` version 1 of gen_chain.py: 10 sections × 6 scored items.
///
/// Item `Q{s}{i}` has type by `i % 4`: `yesno` (5 points), `scale` 1..5 (10 points),
/// `measure` pass max 60 with `na` allowed (5 points), `choice` A/B/C = 6/3/0 (6 points).
/// `Q10` is critical for its section, `Q90` for the whole audit; every section's sixth item
/// overrides the section's dimension. Section weights are 5, 10, 15, 20, 5, ….
enum Template {
    static let code = "nat-visit"
    static let version = 1
    static let fileName = "template-nat.json"
    static let dimensions = ["tangibles", "empathy", "responsiveness", "assurance", "reliability"]

    enum Kind: Sendable { case yesno, scale, measure, choice }

    struct Item: Sendable {
        let code: String
        let kind: Kind
        let critical: String?
        let dimension: String?
    }

    struct Section: Sendable {
        let code: String
        let weight: Int
        let dimension: String
        let items: [Item]
    }

    static let sections: [Section] = (0..<10).map { s in
        let items = (0..<6).map { i in
            Item(
                code: "Q\(s)\(i)",
                kind: [Kind.yesno, .scale, .measure, .choice][i % 4],
                critical: s == 1 && i == 0 ? "section" : s == 9 && i == 0 ? "audit" : nil,
                dimension: i == 5 ? dimensions[(s + 1) % 5] : nil)
        }
        return Section(code: "S\(s)", weight: 5 + 5 * (s % 4), dimension: dimensions[s % 5], items: items)
    }

    static let items: [Item] = sections.flatMap(\.items)

    /// The template as `json.dump` writes it in gen_chain.py (one line, `", "` and `": "`, no newline at the end).
    static var json: String {
        var sectionTexts: [String] = []
        for (s, section) in sections.enumerated() {
            var itemTexts: [String] = []
            for item in section.items {
                var fields = ["\"code\": \"\(item.code)\""]
                switch item.kind {
                case .yesno:
                    fields += ["\"type\": \"yesno\"", "\"points\": 5"]
                case .scale:
                    fields += ["\"type\": \"scale\"", "\"min\": 1", "\"max\": 5", "\"points\": 10"]
                case .measure:
                    fields += ["\"type\": \"measure\"", "\"pass\": {\"max\": 60}", "\"points\": 5", "\"na\": true"]
                case .choice:
                    fields += [
                        "\"type\": \"choice\"", "\"points\": 6",
                        "\"options\": [{\"value\": \"A\", \"points\": 6}, {\"value\": \"B\", \"points\": 3}, {\"value\": \"C\", \"points\": 0}]",
                    ]
                }
                if let critical = item.critical { fields.append("\"critical\": \"\(critical)\"") }
                if let dimension = item.dimension { fields.append("\"dimension\": \"\(dimension)\"") }
                itemTexts.append("{" + fields.joined(separator: ", ") + "}")
            }
            sectionTexts.append(
                "{\"code\": \"\(section.code)\", \"name\": \"环节\(s)\", \"weight\": \(section.weight), "
                    + "\"dimension\": \"\(section.dimension)\", \"items\": [" + itemTexts.joined(separator: ", ") + "]}")
        }
        return "{\"code\": \"\(code)\", \"version\": \(version), \"name\": \"网点暗访\", \"requireReview\": false, "
            + "\"disputeDays\": 7, \"sections\": [" + sectionTexts.joined(separator: ", ") + "]}"
    }
}
