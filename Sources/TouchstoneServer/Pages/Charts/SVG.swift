import Foundation

/// Small helpers for the charts' SVG text.
enum SVG {
    /// `text` escaped for XML content and attribute values.
    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    /// A coordinate with one decimal, as SVG wants it (`12.5`).
    static func number(_ value: Double) -> String {
        String(format: "%.1f", value)
    }
}
