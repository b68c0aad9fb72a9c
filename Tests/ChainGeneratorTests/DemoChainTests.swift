import ChainGenerator
import Foundation
import Testing

@Suite("Chain generator: the demo's dealer network")
struct DemoChainTests {
    /// Writes `spec` into a scratch directory, runs `body`, removes the directory.
    func withDemo<T>(_ spec: DemoChainSpec = .standard, _ body: (DemoChainSummary, ScratchDirectory) throws -> T) throws -> T {
        let dir = try ScratchDirectory()
        defer { dir.cleanup() }
        return try body(try DemoChainWriter.write(spec, to: dir.url), dir)
    }

    /// The CSV file's rows (header dropped) split on commas (the demo writes no quoted cells).
    func rows(_ url: URL?) throws -> [[String]] {
        let text = try String(contentsOf: #require(url), encoding: .utf8)
        return text.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    func json(_ url: URL?) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(contentsOf: #require(url)))
    }

    @Test("twelve months ending with the current demo period, surveys, audits and complaints in each")
    func twelveMonths() throws {
        try withDemo { summary, _ in
            #expect(
                summary.periods == [
                    "2025-11", "2025-12", "2026-01", "2026-02", "2026-03", "2026-04",
                    "2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10",
                ])
            for (column, url) in [(3, summary.chain.files.surveys), (4, summary.chain.files.complaints)] {
                let months = Set(try rows(url).map { String($0[column].prefix(7)) })
                #expect(months == Set(summary.periods))
            }
            let audits = try String(contentsOf: #require(summary.chain.files.audits), encoding: .utf8)
            for period in summary.periods { #expect(audits.contains("\"visitedAt\": \"\(period)-")) }
            #expect(summary.improving > 0 && summary.declining > 0)
        }
    }

    @Test("complaint counts differ between dealers and between months")
    func complaintsVary() throws {
        try withDemo { summary, _ in
            let complaints = try rows(summary.chain.files.complaints)
            let last = summary.periods.last!
            let perOutlet = Dictionary(grouping: complaints.filter { $0[4].hasPrefix(last) }, by: { $0[1] }).mapValues(\.count)
            #expect(Set(perOutlet.values).count >= 4)
            let perMonth = Dictionary(grouping: complaints, by: { $0[4].prefix(7) }).mapValues(\.count)
            #expect(Set(perMonth.values).count >= 6)
        }
    }

    @Test("every KPI has a name, the five radar dimensions each have one, MS sorts first")
    func namedKPIs() throws {
        try withDemo { summary, _ in
            let kpis = try #require(try json(summary.chain.files.kpis) as? [[String: Any]])
            #expect(kpis.count == summary.chain.kpis)
            for kpi in kpis {
                let code = kpi["code"] as? String ?? ""
                let name = kpi["name"] as? String ?? ""
                #expect(name.contains(" / ") && name != code, "\(code)")
            }
            let metrics = Set(kpis.compactMap { $0["metric"] as? String })
            for dimension in ["tangibles", "empathy", "responsiveness", "assurance", "reliability"] {
                #expect(metrics.contains("audit.dimension:" + dimension))
            }
            #expect(kpis.compactMap { $0["code"] as? String }.min() == "MS")
        }
    }

    @Test("the checklist asks real questions in English and Chinese, with every item kind")
    func checklist() throws {
        try withDemo { summary, _ in
            let template = try #require(try json(summary.chain.files.template) as? [String: Any])
            let sections = try #require(template["sections"] as? [[String: Any]])
            #expect(sections.count == 5)
            let items = sections.flatMap { $0["items"] as? [[String: Any]] ?? [] }
            for item in items {
                let text = item["text"] as? String ?? ""
                #expect(text.contains(" / ") && text.unicodeScalars.contains { $0.value >= 0x4E00 }, "\(item["code"] ?? "")")
            }
            #expect(Set(items.compactMap { $0["type"] as? String }) == ["yesno", "scale", "measure", "choice", "photo", "text"])
            #expect(Set(items.compactMap { $0["critical"] as? String }) == ["section", "audit"])
        }
    }

    @Test("a few transfers, a promotion and three disputes of the last month")
    func movesAndDisputes() throws {
        try withDemo { summary, _ in
            #expect(summary.chain.transfers >= 3 && summary.chain.transfers <= 8)
            #expect(summary.chain.roleChanges == 1)
            #expect(summary.chain.staffRows == summary.chain.staff + summary.chain.transfers + summary.chain.roleChanges)
            let disputes = try #require(try json(summary.disputesFile) as? [[String: Any]])
            #expect(disputes.compactMap { $0["decision"] as? String } == ["accept", "reject", "open"])
        }
    }

    @Test("the same spec gives the same bytes; another seed other data")
    func deterministic() throws {
        let small = DemoChainSpec(outlets: 8, months: 12)
        let first = try withDemo(small) { summary, _ in try summary.chain.files.all.map(fnv1a) }
        let second = try withDemo(small) { summary, _ in try summary.chain.files.all.map(fnv1a) }
        #expect(first == second)
        let other = try withDemo(DemoChainSpec(outlets: 8, months: 12, seed: 8)) { summary, _ in try summary.chain.files.all.map(fnv1a) }
        #expect(first != other)
    }

    @Test(
        "an invalid spec is refused",
        arguments: [
            DemoChainSpec(outlets: 0), DemoChainSpec(outlets: 41), DemoChainSpec(months: 0), DemoChainSpec(lastPeriod: "2026-13"),
        ])
    func invalid(_ spec: DemoChainSpec) throws {
        #expect(throws: ChainGeneratorError.self) { try withDemo(spec) { _, _ in () } }
    }
}
