public import Foundation

/// The result of scoring one item.
public struct ItemResult: Sendable, Hashable, Codable {
    public var code: String
    public var section: String
    public var dimension: Dimension
    /// Points earned; nil when not scored (text/photo), "na", or unanswered.
    public var earned: Decimal?
    /// The item's points when it counts in the sums; nil otherwise.
    public var possible: Decimal?
    /// Counted and earned 0.
    public var failed: Bool
    public var critical: CriticalLevel?
}

/// A section's sums and score (with section-critical zeroing, without audit-level zeroing).
public struct SectionScore: Sendable, Hashable, Codable {
    public var code: String
    public var weight: Decimal
    public var earned: Decimal
    public var possible: Decimal
    /// 100 × earned / possible (unrounded); nil when N/A; 0 when zeroed by a section-critical failure.
    public var score: Decimal?
    /// A `critical: "section"` item of this section failed.
    public var zeroedByCritical: Bool
}

/// A dimension's sums and score, from the answers as given (no critical zeroing).
public struct DimensionScore: Sendable, Hashable, Codable {
    public var dimension: Dimension
    public var earned: Decimal
    public var possible: Decimal
    /// 100 × earned / possible (unrounded); nil when N/A.
    public var score: Decimal?
}

/// The full score of one audit (rules.md §1).
public struct AuditScore: Sendable, Hashable, Codable {
    /// Weighted mean of the non-N/A sections (unrounded), 0 after an audit-critical failure,
    /// nil when every section is N/A.
    public var overall: Decimal?
    /// Some critical item (section or audit level) failed.
    public var criticalFailure: Bool
    /// In template order.
    public var sections: [SectionScore]
    /// Only the dimensions the template's scored items use, in `Dimension.allCases` order.
    public var dimensions: [DimensionScore]
    /// In template order.
    public var items: [ItemResult]

    /// The score of section `code` (nil when N/A or unknown).
    public func section(_ code: String) -> Decimal? { sections.first { $0.code == code }?.score }

    /// The score of `dimension` (nil when N/A or unused).
    public func dimension(_ dimension: Dimension) -> Decimal? { dimensions.first { $0.dimension == dimension }?.score }
}

/// Audit scoring exactly per rules.md §1 (exact arithmetic, nothing rounded).
public enum AuditScoring {
    /// Earned points of `answer` for a scored `item`; nil when the item is left out of the
    /// sums ("na", not scored, or an answer that does not fit the item).
    public static func earned(_ answer: Answer?, item: TemplateItem) -> Decimal? {
        earnedExact(answer, item: item)?.decimal
    }

    static func earnedExact(_ answer: Answer?, item: TemplateItem) -> Rational? {
        guard item.type.isScored, let answer, let points = item.points else { return nil }
        if AuditDocument.answerProblem(answer, item: item) != nil { return nil }
        let p = Rational(points)
        switch (item.type, answer) {
        case (.yesno, .text(let s)):
            return s == "yes" ? p : .zero
        case (.scale, .number(let v)):
            let lo = Rational(item.min ?? 0)
            let hi = Rational(item.max ?? 1)
            return p * (Rational(v) - lo) / (hi - lo)
        case (.measure, .number(let v)):
            guard let pass = item.pass else { return nil }
            return pass.passes(v) ? p : .zero
        case (.choice, .text(let s)):
            guard let option = item.options?.first(where: { $0.value == s }) else { return nil }
            return Rational(option.points)
        default:
            return nil
        }
    }

    /// Scores `answers` against `template`. Unanswered scored items and answers that do not
    /// fit their item are left out of the sums like "na" (validate the document first).
    public static func score(template: Template, answers: [String: Answer]) -> AuditScore {
        var items: [ItemResult] = []
        var sections: [SectionScore] = []
        var dimEarned: [Dimension: Rational] = [:]
        var dimPossible: [Dimension: Rational] = [:]
        var weightedSum = Rational.zero
        var weightTotal = Rational.zero
        var auditCritical = false
        var anyCritical = false
        for section in template.sections {
            var earned = Rational.zero
            var possible = Rational.zero
            var zeroed = false
            for item in section.items {
                let dimension = item.dimension ?? section.dimension
                let e = earnedExact(answers[item.code], item: item)
                var failed = false
                if let e, let points = item.points {
                    let p = Rational(points)
                    earned += e
                    possible += p
                    dimEarned[dimension, default: .zero] += e
                    dimPossible[dimension, default: .zero] += p
                    failed = e.isZero
                    if failed, let c = item.critical {
                        anyCritical = true
                        if c == .section { zeroed = true } else { auditCritical = true }
                    }
                }
                items.append(
                    ItemResult(
                        code: item.code, section: section.code, dimension: dimension,
                        earned: e?.decimal, possible: e == nil ? nil : item.points,
                        failed: failed, critical: item.critical))
            }
            var score: Rational?
            if !possible.isZero {
                score = zeroed ? .zero : Rational.hundred * earned / possible
            }
            if let score {
                let w = Rational(section.weight)
                weightedSum += w * score
                weightTotal += w
            }
            sections.append(
                SectionScore(
                    code: section.code, weight: section.weight, earned: earned.decimal,
                    possible: possible.decimal, score: score?.decimal, zeroedByCritical: zeroed))
        }
        var overall: Decimal?
        if !weightTotal.isZero {
            overall = auditCritical ? 0 : (weightedSum / weightTotal).decimal
        }
        let dimensions = template.dimensionsUsed.map { d -> DimensionScore in
            let e = dimEarned[d] ?? .zero
            let p = dimPossible[d] ?? .zero
            return DimensionScore(
                dimension: d, earned: e.decimal, possible: p.decimal,
                score: p.isZero ? nil : (Rational.hundred * e / p).decimal)
        }
        return AuditScore(
            overall: overall, criticalFailure: anyCritical, sections: sections,
            dimensions: dimensions, items: items)
    }
}
