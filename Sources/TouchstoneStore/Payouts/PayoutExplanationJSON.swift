import DecimalText
import Foundation
import TouchstoneCore

/// The stored form of a ``PayoutExplanation``: JSON with sorted keys, so that a rerun on
/// unchanged inputs stores byte-identical text, and decimals written exactly.
///
/// The batch writes one per payout row (hundreds of thousands on a national chain), so it
/// is written by hand rather than through `JSONEncoder`, which spends most of the payout
/// step's time; the text is exactly what `JSONEncoder` with ``encoder``'s settings writes
/// (a test compares them), and it decodes with `JSONDecoder` like any other.
enum PayoutExplanationJSON {
    /// The encoder of the other JSON the payout steps record (sorted keys, slashes as is).
    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    static func encode(_ e: PayoutExplanation) -> String {
        object([
            (
                "adjustment",
                e.adjustment.map { a in
                    object([
                        ("difference", number(a.difference)), ("paid", number(a.paid)), ("period", string(a.period)),
                        ("recomputed", number(a.recomputed)),
                    ])
                }
            ),
            ("cap", number(e.cap)),
            ("components", array(e.components.map(component))),
            ("currency", string(e.currency)),
            ("employeeNo", string(e.employeeNo)),
            ("formula", string(e.formula)),
            ("gates", array(e.gates.map(gate))),
            ("multiplier", number(e.multiplier)),
            ("name", string(e.name)),
            ("notes", array(e.notes.map(string))),
            ("payout", number(e.payout)),
            ("period", string(e.period)),
            ("periodDays", String(e.periodDays)),
            ("plan", string(e.plan)),
            ("proratedTarget", number(e.proratedTarget)),
            ("scorePct", number(e.scorePct)),
            ("segments", array(e.segments.map(segment))),
            ("uncappedScorePct", e.uncappedScorePct.map(number)),
        ])
    }

    static func decode(_ text: String) throws -> PayoutExplanation {
        try JSONDecoder().decode(PayoutExplanation.self, from: Data(text.utf8))
    }

    private static func segment(_ s: PayoutExplanation.Segment) -> String {
        object([
            ("days", String(s.days)), ("end", string(s.end.description)), ("outlet", string(s.outlet)), ("role", string(s.role)),
            ("start", string(s.start.description)), ("targetBonus", s.targetBonus.map(number)),
        ])
    }

    private static func component(_ c: PayoutExplanation.Component) -> String {
        object([
            ("attainment", c.attainment.map(number)), ("inputs", array(c.inputs.map(outletInput))), ("kept", String(c.kept)),
            ("kpi", string(c.kpi)), ("level", string(c.level.rawValue)), ("n", c.n.map { String($0) }),
            ("status", c.status.map { string($0.rawValue) }), ("value", c.value.map(number)), ("weight", number(c.weight)),
            ("why", string(c.why)),
        ])
    }

    private static func outletInput(_ i: PayoutExplanation.OutletInput) -> String {
        object([
            ("attainment", i.attainment.map(number)), ("days", String(i.days)), ("n", i.n.map { String($0) }),
            ("outlet", string(i.outlet)), ("status", i.status.map { string($0.rawValue) }), ("used", String(i.used)),
            ("value", i.value.map(number)),
        ])
    }

    private static func gate(_ g: PayoutExplanation.FiredGate) -> String {
        object([
            ("condition", string(g.condition)), ("kpi", string(g.kpi)), ("level", string(g.level.rawValue)),
            ("multiplier", number(g.multiplier)), ("subject", string(g.subject)), ("value", number(g.value)),
        ])
    }

    /// An object of the members given in key order; nil values are left out (as `encodeIfPresent` does).
    private static func object(_ members: [(String, String?)]) -> String {
        var out = "{"
        var first = true
        for case let (key, value?) in members {
            if !first { out += "," }
            first = false
            out += string(key)
            out += ":"
            out += value
        }
        return out + "}"
    }

    private static func array(_ items: [String]) -> String {
        "[" + items.joined(separator: ",") + "]"
    }

    private static func number(_ value: Decimal) -> String {
        value.plainText
    }

    /// A JSON string: quotes, backslashes and control characters escaped, everything else as is.
    private static func string(_ text: String) -> String {
        if !JSONValue.needsEscaping(text) {
            return "\"" + text + "\""
        }
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
