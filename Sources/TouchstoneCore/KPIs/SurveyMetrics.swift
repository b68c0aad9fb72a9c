import Foundation

/// One satisfaction callback: `sat` 1…5 and optional `nps` 0…10.
public struct SurveyResponse: Sendable, Hashable, Codable {
    public var sat: Int?
    public var nps: Int?

    public init(sat: Int?, nps: Int? = nil) {
        self.sat = sat
        self.nps = nps
    }
}

/// Reference implementations of the survey metrics (rules.md §2); nil when n = 0.
public enum SurveyMetrics {
    /// 100 × count(sat >= 4) / count(with sat).
    public static func top2box(_ responses: [SurveyResponse]) -> MetricValue? {
        let sats = responses.compactMap(\.sat)
        guard !sats.isEmpty else { return nil }
        let top = sats.filter { $0 >= 4 }.count
        return MetricValue(value: (Rational.hundred * Rational(top) / Rational(sats.count)).decimal, n: sats.count)
    }

    /// Mean of `sat`.
    public static func mean(_ responses: [SurveyResponse]) -> MetricValue? {
        let sats = responses.compactMap(\.sat)
        guard !sats.isEmpty else { return nil }
        return MetricValue(value: (Rational(sats.reduce(0, +)) / Rational(sats.count)).decimal, n: sats.count)
    }

    /// 100 × (promoters (9–10) − detractors (0–6)) / count(with nps).
    public static func nps(_ responses: [SurveyResponse]) -> MetricValue? {
        let scores = responses.compactMap(\.nps)
        guard !scores.isEmpty else { return nil }
        let net = scores.filter { $0 >= 9 }.count - scores.filter { $0 <= 6 }.count
        return MetricValue(value: (Rational.hundred * Rational(net) / Rational(scores.count)).decimal, n: scores.count)
    }

    /// The survey metric named by `metric`; nil for other metrics or n = 0.
    public static func value(_ metric: Metric, responses: [SurveyResponse]) -> MetricValue? {
        switch metric {
        case .surveyTop2Box: return top2box(responses)
        case .surveyMean: return mean(responses)
        case .surveyNPS: return nps(responses)
        default: return nil
        }
    }
}
