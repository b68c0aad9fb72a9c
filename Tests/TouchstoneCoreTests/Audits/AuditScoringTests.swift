import Foundation
import Testing

@testable import TouchstoneCore

@Suite struct AuditScoringTests {
    @Test func workedExample() {
        let s = AuditScoring.score(template: Fixtures.workedTemplate, answers: Fixtures.workedAnswers)
        #expect(s.section("ARR") == 87.5)
        #expect(s.section("SRV")?.fixed(4) == "46.6667")
        #expect(s.section("CLS") == nil)
        #expect(s.overall?.fixed(2) == "61.98")
        #expect(s.overall?.description.hasPrefix("61.97916666666666") == true)
        #expect(s.criticalFailure == false)
        #expect(s.dimension(.tangibles) == 87.5)
        #expect(s.dimension(.responsiveness)?.fixed(2) == "46.67")
        #expect(s.dimension(.reliability) == nil)
        #expect(s.sections.map(\.earned) == [17.5, 14, 0])
        #expect(s.sections.map(\.possible) == [20, 30, 0])
        #expect(s.items.first { $0.code == "S1" }?.failed == true)
        #expect(s.items.first { $0.code == "A3" }?.earned == nil)
    }

    @Test func workedExampleWithCriticalSectionFailure() {
        var answers = Fixtures.workedAnswers
        answers["S2"] = .text("no")
        let s = AuditScoring.score(template: Fixtures.workedTemplate, answers: answers)
        #expect(s.section("SRV") == 0)
        #expect(s.sections[1].zeroedByCritical)
        #expect(s.overall?.fixed(2) == "32.81")
        #expect(s.criticalFailure)
        // Dimensions use the answers as given: SRV items earned 4 of 30.
        #expect(s.dimension(.responsiveness)?.fixed(2) == "13.33")
    }

    @Test func sampleAuditDimensions() throws {
        let line =
            try String(contentsOf: Fixtures.specDir.appendingPathComponent("audits.jsonl"), encoding: .utf8)
            .split(separator: "\n").first.map(String.init) ?? ""
        let doc = try AuditDocument.parse(json: Data(line.utf8))
        let template = Fixtures.demoTemplate
        #expect(doc.problems(against: template).isEmpty)
        let s = AuditScoring.score(template: template, answers: doc.answers)
        #expect(s.dimensions.map(\.dimension) == [.tangibles, .empathy, .responsiveness, .assurance, .reliability])
        #expect(s.dimensions.map { $0.score?.fixed(2) } == ["87.50", "100.00", "0.00", "40.00", nil])
        #expect(s.overall?.fixed(2) == "61.98")
    }

    static let edge = """
        {"code":"e","version":1,"sections":[
         {"code":"A","weight":1,"dimension":"tangibles","items":[
           {"code":"Y","type":"yesno","points":4,"na":true},
           {"code":"Z","type":"scale","min":0,"max":4,"points":8,"na":true},
           {"code":"M","type":"measure","pass":{"min":3.5},"points":2,"na":true,"critical":"audit"},
           {"code":"X","type":"measure","pass":{"max":60},"points":2,"na":true}]},
         {"code":"B","weight":3,"dimension":"empathy","items":[
           {"code":"C","type":"choice","points":3,"na":true,"options":[{"value":"hi","points":2.5},{"value":"lo","points":0.75},{"value":"no","points":0}]},
           {"code":"Q","type":"yesno","points":1,"na":true,"critical":"section","dimension":"assurance"}]}]}
        """

    static let edgeTemplate = try! Template.parse(json: Data(edge.utf8))

    static func answers(_ pairs: [String: Answer]) -> [String: Answer] {
        var a: [String: Answer] = ["Y": .na, "Z": .na, "M": .na, "X": .na, "C": .na, "Q": .na]
        for (k, v) in pairs { a[k] = v }
        return a
    }

    /// (case, answers, overall, A, B, critical)
    @Test(
        arguments: [
            ("all N/A audit", answers([:]), nil, nil, nil, false),
            ("all-N/A section B", answers(["Y": .text("yes")]), "100.00", "100.00", nil, false),
            ("scale from 0: 3 of 0..4", answers(["Z": .number(3)]), "75.00", "75.00", nil, false),
            ("scale from 0: 0 earns nothing", answers(["Z": .number(0), "Y": .text("yes")]), "33.33", "33.33", nil, false),
            ("fractional choice points", answers(["C": .text("lo")]), "25.00", nil, "25.00", false),
            ("choice 2.5 of 3", answers(["C": .text("hi")]), "83.33", nil, "83.33", false),
            ("measure min: exactly at limit passes", answers(["M": .number(Decimal(exactly: "3.5")!)]), "100.00", "100.00", nil, false),
            ("measure max: exactly at limit passes", answers(["X": .number(60)]), "100.00", "100.00", nil, false),
            ("measure max: above limit fails", answers(["X": .number(Decimal(exactly: "60.01")!), "Y": .text("yes")]), "66.67", "66.67", nil, false),
            ("audit critical zeroes overall only", answers(["M": .number(3), "Y": .text("yes"), "C": .text("hi")]), "0.00", "66.67", "83.33", true),
            (
                "section critical zeroes its section", answers(["Q": .text("no"), "C": .text("hi"), "Y": .text("yes")]), "25.00", "100.00", "0.00",
                true
            ),
            ("both critical kinds", answers(["Q": .text("no"), "M": .number(1)]), "0.00", "0.00", "0.00", true),
            ("weights 1:3", answers(["Y": .text("no"), "C": .text("hi"), "Z": .number(4)]), "79.17", "66.67", "83.33", false),
        ] as [(String, [String: Answer], String?, String?, String?, Bool)])
    func edgeCases(name: String, answers: [String: Answer], overall: String?, a: String?, b: String?, critical: Bool) {
        let s = AuditScoring.score(template: Self.edgeTemplate, answers: answers)
        #expect(s.overall?.fixed(2) == overall, "\(name)")
        #expect(s.section("A")?.fixed(2) == a, "\(name)")
        #expect(s.section("B")?.fixed(2) == b, "\(name)")
        #expect(s.criticalFailure == critical, "\(name)")
    }

    @Test func dimensionsIgnoreCriticalZeroing() {
        let s = AuditScoring.score(template: Self.edgeTemplate, answers: Self.answers(["Q": .text("no"), "C": .text("hi")]))
        #expect(s.section("B") == 0)
        #expect(s.dimension(.empathy)?.fixed(2) == "83.33")
        #expect(s.dimension(.assurance)?.fixed(2) == "0.00")
    }

    @Test func earnedPerType() {
        let t = Fixtures.demoTemplate
        #expect(AuditScoring.earned(.number(4), item: t.item("A2")!) == 7.5)
        #expect(AuditScoring.earned(.number(1), item: t.item("A2")!) == 0)
        #expect(AuditScoring.earned(.text("partial"), item: t.item("S3")!) == 4)
        #expect(AuditScoring.earned(.na, item: t.item("A3")!) == nil)
        #expect(AuditScoring.earned(.text("x"), item: t.item("C2")!) == nil)
    }
}
