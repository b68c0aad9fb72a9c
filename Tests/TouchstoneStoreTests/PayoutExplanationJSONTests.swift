import Foundation
import Testing
import TouchstoneCore

@testable import TouchstoneStore

/// The hand-written explanation JSON must be exactly what JSONEncoder writes, and decode back.
@Suite struct PayoutExplanationJSONTests {
    /// An explanation with every optional both set and absent, an adjustment, and strings that need escaping.
    static let sample = #"""
        {"employeeNo": "E7", "name": "王芳 \"Fang\" \\ tab\t/line\nend\u0001", "plan": "SA", "period": "2026-09", "currency": "CNY",
         "periodDays": 30, "cap": 150, "scorePct": 92.6666666666666667, "proratedTarget": 2133.333333333333333333333333333333333,
         "multiplier": 0.5, "payout": 1976.89, "formula": "2133.33 × 92.6667% × 1 = 1976.89", "notes": ["MS insufficient, dropped", "", "cr\r bs\b ff\f us\u001f"],
         "uncappedScorePct": 92.6666666666666667,
         "segments": [{"outlet": "O1", "role": "service_advisor", "start": "2026-09-01", "end": "2026-09-20", "days": 20, "targetBonus": 2000},
                      {"outlet": "O2", "role": "service_advisor", "start": "2026-09-21", "end": "2026-09-30", "days": 10}],
         "components": [{"kpi": "MS", "level": "staff", "weight": 60, "value": 80, "n": 1, "status": "amber", "attainment": 83.33333333333333333,
                         "kept": true, "why": "counted", "inputs": []},
                        {"kpi": "CSAT", "level": "outlet", "weight": 40, "kept": false, "why": "insufficient: redistribute",
                         "inputs": [{"outlet": "O1", "days": 20, "value": 92, "n": 25, "status": "amber", "attainment": 100, "used": true},
                                    {"outlet": "O2", "days": 10, "used": false}]}],
         "gates": [{"kpi": "CRIT", "level": "outlet", "condition": "> 2", "subject": "O1", "value": 3, "multiplier": 0.5}],
         "adjustment": {"period": "2026-09", "recomputed": 1635.56, "paid": 1976.89, "difference": -341.33}}
        """#

    @Test func sameTextAsJSONEncoderAndRoundTrips() throws {
        var explanation = try JSONDecoder().decode(PayoutExplanation.self, from: Data(Self.sample.utf8))
        for candidate in [
            explanation,
            {
                explanation.adjustment = nil
                explanation.uncappedScorePct = nil
                return explanation
            }(),
        ] {
            let written = PayoutExplanationJSON.encode(candidate)
            let expected = String(decoding: try PayoutExplanationJSON.encoder.encode(candidate), as: UTF8.self)
            #expect(written == expected)
            #expect(try PayoutExplanationJSON.decode(written) == candidate)
        }
    }
}
