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
        var w = Writer()
        w.object { w in
            if let a = e.adjustment {
                w.key("adjustment")
                w.object { w in
                    w.field("difference", number: a.difference)
                    w.field("paid", number: a.paid)
                    w.field("period", string: a.period)
                    w.field("recomputed", number: a.recomputed)
                }
            }
            w.field("cap", number: e.cap)
            w.field("components", array: e.components) { w, c in w.component(c) }
            w.field("currency", string: e.currency)
            w.field("employeeNo", string: e.employeeNo)
            w.field("formula", string: e.formula)
            w.field("gates", array: e.gates) { w, g in w.gate(g) }
            w.field("multiplier", number: e.multiplier)
            w.field("name", string: e.name)
            w.field("notes", array: e.notes) { w, note in w.string(note) }
            w.field("payout", number: e.payout)
            w.field("period", string: e.period)
            w.field("periodDays", integer: e.periodDays)
            w.field("plan", string: e.plan)
            w.field("proratedTarget", number: e.proratedTarget)
            w.field("scorePct", number: e.scorePct)
            w.field("segments", array: e.segments) { w, s in w.segment(s) }
            w.field("uncappedScorePct", number: e.uncappedScorePct)
        }
        return w.text
    }

    static func decode(_ text: String) throws -> PayoutExplanation {
        try JSONDecoder().decode(PayoutExplanation.self, from: Data(text.utf8))
    }

    /// Writes the JSON text as UTF-8 bytes into one growing buffer: a national run writes 100,000
    /// explanations, and building each member as a string of its own, then appending strings,
    /// took a fifth of the payout step's CPU.
    private struct Writer {
        private var bytes: [UInt8] = []
        /// Whether the object being written has no member yet.
        private var first = true

        init() {
            bytes.reserveCapacity(1536)
        }

        var text: String { String(decoding: bytes, as: UTF8.self) }

        /// One ASCII character.
        private mutating func mark(_ ascii: Unicode.Scalar) {
            bytes.append(UInt8(ascii: ascii))
        }

        private mutating func append(_ text: String) {
            bytes.append(contentsOf: text.utf8)
        }

        /// An object whose members `body` writes, in key order.
        mutating func object(_ body: (inout Writer) -> Void) {
            mark("{")
            let outer = first
            first = true
            body(&self)
            first = outer
            mark("}")
        }

        /// A member whose value is an array of `items`, each written by `element`.
        mutating func field<T>(_ name: String, array items: [T], _ element: (inout Writer, T) -> Void) {
            key(name)
            mark("[")
            for (index, item) in items.enumerated() {
                if index > 0 { mark(",") }
                element(&self, item)
            }
            mark("]")
        }

        /// The next member's key; its value follows.
        mutating func key(_ name: String) {
            if !first { mark(",") }
            first = false
            string(name)
            mark(":")
        }

        /// A member with a string value; nil leaves the member out (as `encodeIfPresent` does).
        mutating func field(_ name: String, string value: String?) {
            guard let value else { return }
            key(name)
            string(value)
        }

        mutating func field(_ name: String, number value: Decimal?) {
            guard let value else { return }
            key(name)
            append(value.plainText)
        }

        mutating func field(_ name: String, integer value: Int?) {
            guard let value else { return }
            key(name)
            append(String(value))
        }

        mutating func field(_ name: String, bool value: Bool) {
            key(name)
            append(value ? "true" : "false")
        }

        mutating func segment(_ s: PayoutExplanation.Segment) {
            object { w in
                w.field("days", integer: s.days)
                w.field("end", string: s.end.description)
                w.field("outlet", string: s.outlet)
                w.field("role", string: s.role)
                w.field("start", string: s.start.description)
                w.field("targetBonus", number: s.targetBonus)
            }
        }

        mutating func component(_ c: PayoutExplanation.Component) {
            object { w in
                w.field("attainment", number: c.attainment)
                w.field("inputs", array: c.inputs) { w, i in w.outletInput(i) }
                w.field("kept", bool: c.kept)
                w.field("kpi", string: c.kpi)
                w.field("level", string: c.level.rawValue)
                w.field("n", integer: c.n)
                w.field("status", string: c.status?.rawValue)
                w.field("value", number: c.value)
                w.field("weight", number: c.weight)
                w.field("why", string: c.why)
            }
        }

        mutating func outletInput(_ i: PayoutExplanation.OutletInput) {
            object { w in
                w.field("attainment", number: i.attainment)
                w.field("days", integer: i.days)
                w.field("n", integer: i.n)
                w.field("outlet", string: i.outlet)
                w.field("status", string: i.status?.rawValue)
                w.field("used", bool: i.used)
                w.field("value", number: i.value)
            }
        }

        mutating func gate(_ g: PayoutExplanation.FiredGate) {
            object { w in
                w.field("condition", string: g.condition)
                w.field("kpi", string: g.kpi)
                w.field("level", string: g.level.rawValue)
                w.field("multiplier", number: g.multiplier)
                w.field("subject", string: g.subject)
                w.field("value", number: g.value)
            }
        }

        /// A JSON string: quotes, backslashes and control characters escaped, every other byte as
        /// is (only ASCII is ever escaped, so a multi-byte character is copied whole).
        mutating func string(_ value: String) {
            mark("\"")
            var value = value
            value.withUTF8 { utf8 in
                guard utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
                    bytes.append(contentsOf: utf8)
                    return
                }
                for byte in utf8 {
                    switch byte {
                    case UInt8(ascii: "\""): append("\\\"")
                    case UInt8(ascii: "\\"): append("\\\\")
                    case UInt8(ascii: "\n"): append("\\n")
                    case UInt8(ascii: "\r"): append("\\r")
                    case UInt8(ascii: "\t"): append("\\t")
                    case 0x08: append("\\b")
                    case 0x0C: append("\\f")
                    case ..<0x20: append(String(format: "\\u%04x", byte))
                    default: bytes.append(byte)
                    }
                }
            }
            mark("\"")
        }
    }
}
