import Foundation
import Testing

@testable import TouchstoneCore

@Suite struct TemplateTests {
    @Test func parsesSampleTemplate() throws {
        let data = try Data(contentsOf: Fixtures.specDir.appendingPathComponent("template-demo-visit.json"))
        let t = try Template.parse(json: data)
        #expect(t.code == "demo-visit")
        #expect(t.version == 1)
        #expect(t.disputeDays == 7)
        #expect(t.sections.map(\.code) == ["ARR", "SRV", "CLS"])
        #expect(t.sections.map(\.weight) == [30, 50, 20])
        #expect(t.item("S1")?.pass == .max(60))
        #expect(t.item("S2")?.critical == .section)
        #expect(t.item("S3")?.options?.map(\.points) == [10, 4, 0])
        #expect(t.item("A3")?.na == true)
        #expect(t.dimensionsUsed == [.tangibles, .empathy, .responsiveness, .assurance, .reliability])
        #expect(t == Fixtures.demoTemplate)
    }

    @Test func defaultsApply() throws {
        let t = try Template.parse(
            json: Data(
                #"{"code":"x","version":2,"sections":[{"code":"S","weight":1,"dimension":"empathy","items":[{"code":"I","type":"yesno","points":1}]}]}"#
                    .utf8))
        #expect(t.name == "x")
        #expect(t.disputeDays == 7)
        #expect(t.requireReview == false)
        #expect(t.sections[0].name == "S")
        #expect(t.sections[0].items[0].na == false)
    }

    static func problems(_ json: String) -> [Problem] {
        do {
            _ = try Template.parse(json: Data(json.utf8))
            return []
        } catch {
            return error.problems
        }
    }

    static func wrap(_ items: String) -> String {
        #"{"code":"t","version":1,"sections":[{"code":"S","weight":10,"dimension":"tangibles","items":["# + items + "]}]}"
    }

    @Test(arguments: [
        (
            #"{"version":1,"sections":[]}"#,
            [
                Problem(path: "code", message: "is required"),
                Problem(path: "sections", message: "must have at least one section"),
            ]
        ),
        (
            #"{"code":"t","version":"1","sections":[{"code":"S","weight":0,"dimension":"mood","items":[]}]}"#,
            [
                Problem(path: "version", message: "expected an integer, got string"),
                Problem(path: "sections[0].weight", message: "must be > 0"),
                Problem(
                    path: "sections[0].dimension",
                    message: "unknown value \"mood\" (expected one of: assurance, empathy, reliability, responsiveness, tangibles)"),
                Problem(path: "sections[0].items", message: "must have at least one item"),
            ]
        ),
        (
            wrap(#"{"code":"A","type":"yesno"},{"code":"A","type":"yesno","points":-1}"#),
            [
                Problem(path: "sections[0].items[0].points", message: "is required"),
                Problem(path: "sections[0].items[1].points", message: "must be > 0"),
                Problem(path: "sections[0].items[1].code", message: "duplicate item code \"A\" (first at sections[0].items[0])"),
            ]
        ),
        (
            wrap(#"{"code":"A","type":"scale","points":5,"min":5,"max":5,"critical":"section"}"#),
            [
                Problem(path: "sections[0].items[0].critical", message: "critical is allowed on yesno and measure items only"),
                Problem(path: "sections[0].items[0].max", message: "must be greater than min (5)"),
            ]
        ),
        (
            wrap(#"{"code":"A","type":"measure","points":5,"pass":{"max":1,"min":0}},{"code":"B","type":"measure","points":5}"#),
            [
                Problem(path: "sections[0].items[0].pass", message: "needs exactly one of \"max\" or \"min\""),
                Problem(path: "sections[0].items[1].pass", message: "is required"),
            ]
        ),
        (
            wrap(
                #"{"code":"A","type":"choice","points":5,"options":[{"value":"a","points":6},{"value":"a","points":1}]},{"code":"B","type":"choice","points":5,"options":[]}"#
            ),
            [
                Problem(path: "sections[0].items[0].options[0].points", message: "must be <= the item's points (5)"),
                Problem(path: "sections[0].items[0].options[1].value", message: "duplicate option \"a\""),
                Problem(path: "sections[0].items[1].options", message: "must have at least one option"),
            ]
        ),
        (
            wrap(#"{"code":"A","type":"vote","points":5},{"code":"B","type":"yesno","points":5,"critical":"everything","dimension":"joy"}"#),
            [
                Problem(
                    path: "sections[0].items[0].type", message: "unknown value \"vote\" (expected one of: choice, measure, photo, scale, text, yesno)"
                ),
                Problem(path: "sections[0].items[1].critical", message: "unknown value \"everything\" (expected one of: audit, section)"),
                Problem(
                    path: "sections[0].items[1].dimension",
                    message: "unknown value \"joy\" (expected one of: assurance, empathy, reliability, responsiveness, tangibles)"),
            ]
        ),
        (
            #"{"code":"t","version":1,"sections":[{"code":"S","weight":1,"dimension":"empathy","items":[{"code":"A","type":"text"}]},{"code":"S","weight":1,"dimension":"empathy","items":[{"code":"B","type":"photo","points":3}]}]}"#,
            [
                Problem(path: "sections[1].code", message: "duplicate section code \"S\""),
                Problem(path: "sections[1].items[0].points", message: "only scored items (yesno, scale, measure, choice) have points"),
            ]
        ),
        ("[1,2", [Problem(path: "", message: "invalid JSON at line 1, column 5: unexpected end of input")]),
        ("[]", [Problem(path: "", message: "expected an object, got array")]),
    ])
    func listsEveryProblemWithPath(json: String, expected: [Problem]) {
        #expect(Self.problems(json) == expected)
    }
}
