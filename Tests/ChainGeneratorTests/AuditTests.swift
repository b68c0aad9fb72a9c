import ChainGenerator
import Foundation
import Testing

@Suite("Chain generator: audits")
struct AuditTests {
    @Test("every audit answers every scored item of the template with a valid value, and nothing else")
    func answersValid() throws {
        let spec = ChainSpec(outlets: 60, auditsPerOutlet: 5, surveysPerOutlet: 0, complaintsPerOutlet: 0, seed: 3)
        try withChain(spec) { summary, dir in
            let template = try #require(try json(dir.file("template-nat.json")) as? [String: Any])
            let items = (template["sections"] as? [[String: Any]] ?? []).flatMap { $0["items"] as? [[String: Any]] ?? [] }
            let scored = items.filter { ["yesno", "scale", "measure", "choice"].contains($0["type"] as? String) }
            #expect(scored.count == 60)
            let codes = Set(scored.compactMap { $0["code"] as? String })
            let audits = try jsonLines(dir.file("audits.jsonl"))
            #expect(audits.count == 300)
            var seen: Set<String> = []
            var criticalFailures = 0
            var nas = 0
            for audit in audits {
                let answers = try #require(audit["answers"] as? [String: Any])
                #expect(Set(answers.keys) == codes)
                for item in scored {
                    let code = item["code"] as! String
                    let answer = answers[code]
                    let na = item["na"] as? Bool ?? false
                    if na, answer as? String == "na" {
                        nas += 1
                        continue
                    }
                    switch item["type"] as! String {
                    case "yesno":
                        let value = answer as? String
                        #expect(value == "yes" || value == "no", "\(code)")
                        if value == "no" && item["critical"] != nil { criticalFailures += 1 }
                    case "scale":
                        let value = try #require(answer as? Int, "\(code)")
                        #expect(value >= item["min"] as! Int && value <= item["max"] as! Int)
                    case "measure":
                        #expect(answer is NSNumber && !(answer is String), "\(code)")
                    case "choice":
                        let options = (item["options"] as? [[String: Any]] ?? []).compactMap { $0["value"] as? String }
                        #expect(options.contains(answer as? String ?? ""), "\(code)")
                    default:
                        Issue.record("unexpected type")
                    }
                }
                #expect(audit["template"] as? String == "nat-visit")
                #expect(audit["templateVersion"] as? Int == 1)
                let id = try #require(audit["id"] as? String)
                #expect(seen.insert(id).inserted, "duplicate id \(id)")
                #expect(Self.isUUIDv4(id), "\(id)")
            }
            #expect(nas > 0)
            #expect(criticalFailures > 0)
            #expect(summary.answers == 300 * 60)
        }
    }

    @Test("visitedAt inside the month; servedBy is assigned to that outlet on that day")
    func servedBy() throws {
        try withChain(.demo) { _, dir in
            let staff = Dictionary(grouping: try assignments(dir.file("staff.csv")), by: \.employee)
            let outlets = Set(try CSV(dir.file("outlets.csv")).rows.map { $0[0] })
            for audit in try jsonLines(dir.file("audits.jsonl")) {
                let outlet = try #require(audit["outlet"] as? String)
                #expect(outlets.contains(outlet))
                let visited = try #require(audit["visitedAt"] as? String)
                #expect(isInstant(visited, inside: "2026-10", days: 31))
                let person = try #require(audit["servedBy"] as? String)
                let day = String(visited.prefix(10))
                #expect(staff[person]?.contains { $0.outlet == outlet && $0.covers(day) } == true, "\(person) at \(outlet) on \(day)")
                #expect((audit["auditor"] as? String)?.hasPrefix("agency-") == true)
            }
        }
    }

    @Test("audit lines are json.dumps-style, one object a line")
    func lineShape() throws {
        try withChain(.demo) { _, dir in
            let text = try String(contentsOf: dir.file("audits.jsonl"), encoding: .utf8)
            let lines = text.split(separator: "\n")
            #expect(lines.count == 80)
            #expect(text.hasSuffix("}}\n"))
            #expect(lines.allSatisfy { $0.hasPrefix(#"{"id": ""#) && $0.contains(#", "answers": {"Q00": "#) })
        }
    }

    static func isUUIDv4(_ s: String) -> Bool {
        let groups = s.split(separator: "-", omittingEmptySubsequences: false)
        guard groups.map(\.count) == [8, 4, 4, 4, 12],
            s.allSatisfy({ $0 == "-" || $0.isHexDigit && !$0.isUppercase })
        else { return false }
        return groups[2].first == "4" && "89ab".contains(groups[3].first!)
    }
}
