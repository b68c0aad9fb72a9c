import Foundation
import TouchstoneCore

/// The stored form of a ``PayoutExplanation``: JSON with sorted keys, so that a rerun on
/// unchanged inputs stores byte-identical text, and decimals written exactly.
enum PayoutExplanationJSON {
    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    static func encode(_ explanation: PayoutExplanation) throws -> String {
        String(decoding: try encoder.encode(explanation), as: UTF8.self)
    }

    static func decode(_ text: String) throws -> PayoutExplanation {
        try JSONDecoder().decode(PayoutExplanation.self, from: Data(text.utf8))
    }
}
