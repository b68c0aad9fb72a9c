import Foundation

/// The 10 KPI definitions and 3 incentive plans, byte for byte as gen_chain.py writes them
/// (`json.dump`, one line, no newline at the end).
enum Definitions {
    /// kpis.json: MS, EMP, S1, CRIT (audit), T2B, MEAN, NPS (survey), SLA, CCNT, FRT (complaint).
    static let kpis =
        #"[{"code": "MS", "metric": "audit.score", "template": "nat-visit", "direction": "higher", "threshold": 60, "target": 75, "stretch": 90, "minSample": 1}, {"code": "EMP", "metric": "audit.dimension:empathy", "template": "nat-visit", "direction": "higher", "threshold": 50, "target": 70, "minSample": 1}, {"code": "S1", "metric": "audit.section:S1", "template": "nat-visit", "direction": "higher", "threshold": 50, "target": 70, "minSample": 1}, {"code": "CRIT", "metric": "audit.critical_failures", "template": "nat-visit", "direction": "lower", "threshold": 1, "target": 0, "minSample": 1}, {"code": "T2B", "metric": "survey.top2box", "direction": "higher", "threshold": 60, "target": 70, "minSample": 10}, {"code": "MEAN", "metric": "survey.mean", "direction": "higher", "threshold": 3.5, "target": 4.0, "minSample": 5}, {"code": "NPS", "metric": "survey.nps", "direction": "higher", "threshold": 0, "target": 30, "minSample": 10}, {"code": "SLA", "metric": "complaint.sla_rate", "direction": "higher", "threshold": 60, "target": 80, "minSample": 1}, {"code": "CCNT", "metric": "complaint.count", "direction": "lower", "threshold": 6, "target": 3, "minSample": 1}, {"code": "FRT", "metric": "complaint.first_response_p50", "direction": "lower", "threshold": 480, "target": 120, "minSample": 1}]"#

    static let kpiCount = 10

    /// (file name, JSON) of the plans ADV (advisors), CSH (cashiers) and MGR (managers).
    static let plans: [(file: String, json: String)] = [
        (
            "plan0-adv.json",
            #"{"code": "ADV", "roles": ["advisor"], "period": "month", "currency": "CNY", "targetBonus": "1000.00", "cap": 150, "components": [{"kpi": "MS", "level": "staff", "weight": 40, "curve": {"type": "linear", "threshold": 60, "target": 75, "stretch": 90}}, {"kpi": "T2B", "level": "outlet", "weight": 40, "curve": {"type": "tiers", "tiers": [{"from": 80, "pct": 120}, {"from": 70, "pct": 100}, {"from": 60, "pct": 50}]}}, {"kpi": "MEAN", "level": "staff", "weight": 20, "insufficient": "target", "curve": {"type": "linear", "threshold": 3.5, "target": 4.0, "stretch": 4.5}}], "gates": [{"kpi": "CRIT", "level": "outlet", "when": {"ge": 1}, "effect": {"multiply": 0.8}}]}"#
        ),
        (
            "plan1-csh.json",
            #"{"code": "CSH", "roles": ["cashier"], "period": "month", "currency": "CNY", "targetBonus": "800.00", "cap": 120, "components": [{"kpi": "T2B", "level": "outlet", "weight": 70, "curve": {"type": "linear", "threshold": 60, "target": 70, "stretch": 85}}, {"kpi": "SLA", "level": "outlet", "weight": 30, "insufficient": "zero", "curve": {"type": "linear", "threshold": 60, "target": 80, "stretch": 95}}]}"#
        ),
        (
            "plan2-mgr.json",
            #"{"code": "MGR", "roles": ["manager"], "period": "month", "currency": "CNY", "cap": 150, "components": [{"kpi": "MS", "level": "outlet", "weight": 40, "curve": {"type": "linear", "threshold": 60, "target": 75, "stretch": 90}}, {"kpi": "FRT", "level": "outlet", "weight": 30, "insufficient": "zero", "curve": {"type": "linear", "threshold": 480, "target": 120, "stretch": 30}}, {"kpi": "CCNT", "level": "outlet", "weight": 30, "curve": {"type": "tiers", "tiers": [{"from": 1, "pct": 120}, {"from": 3, "pct": 100}, {"from": 6, "pct": 50}]}}], "gates": [{"kpi": "CRIT", "level": "outlet", "when": {"ge": 2}, "effect": "zero"}]}"#
        ),
    ]

    /// Writes `text` (UTF-8) to `url`, replacing it; returns the byte count.
    static func write(_ text: String, to url: URL) throws -> Int {
        let data = Data(text.utf8)
        try data.write(to: url)
        return data.count
    }
}
