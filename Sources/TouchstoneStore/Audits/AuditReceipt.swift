import Foundation
public import TouchstoneCore

/// What an upload returns: the stored audit's state and scores (rounded to 2 decimals for
/// display, `nil` when N/A), what evidence is still missing and any warnings.
public struct AuditReceipt: Sendable, Codable, Equatable {
    /// A section's score (`nil`: N/A).
    public struct SectionScore: Sendable, Codable, Equatable {
        public var code: String
        public var score: String?
    }

    /// A dimension's score (`nil`: N/A).
    public struct DimensionScore: Sendable, Codable, Equatable {
        public var dimension: String
        public var score: String?
    }

    public var id: String
    public var state: AuditState
    /// Overall score, `"61.98"`; `nil` when every section is N/A.
    public var score: String?
    public var criticalFailure: Bool
    /// In template order.
    public var sections: [SectionScore]
    /// In the order the template first uses them.
    public var dimensions: [DimensionScore]
    /// Required photo items whose bytes have not arrived.
    public var missingEvidence: [String]
    public var warnings: [Problem]
    /// Trust signals raised on arrival (codes of ``TrustFlag``); a flagged audit waits for review.
    public var flags: [String]
    /// The same upload had been stored before; this is the stored result.
    public var replayed: Bool
}

extension Template {
    /// The dimensions the template's scored items use, in order of first use (the export's
    /// `d_` columns and the receipt's order).
    var dimensionsInTemplateOrder: [TouchstoneCore.Dimension] {
        var seen: [TouchstoneCore.Dimension] = []
        for (section, item) in allItems where item.type.isScored {
            let d = item.dimension ?? section.dimension
            if !seen.contains(d) { seen.append(d) }
        }
        return seen
    }

    /// Codes of required photo items, in template order.
    var requiredPhotoItems: [String] {
        allItems.filter { $0.item.type == .photo && $0.item.required }.map(\.item.code)
    }
}

extension AuditReceipt {
    /// A receipt from exact scores (rounded here, for display only).
    init(
        id: String, state: AuditState, overall: Decimal?, criticalFailure: Bool, sectionScores: [String: Decimal],
        dimensionScores: [String: Decimal], template: Template, missingEvidence: [String], warnings: [Problem], flags: [TrustFlag],
        replayed: Bool
    ) {
        self.init(
            id: id, state: state, score: overall?.fixed(2), criticalFailure: criticalFailure,
            sections: template.sections.map { SectionScore(code: $0.code, score: sectionScores[$0.code]?.fixed(2)) },
            dimensions: template.dimensionsInTemplateOrder.map {
                DimensionScore(dimension: $0.rawValue, score: dimensionScores[$0.rawValue]?.fixed(2))
            },
            missingEvidence: missingEvidence, warnings: warnings, flags: flags.map(\.rawValue), replayed: replayed)
    }
}
