/// The demo's KPI definitions (named, in English and Chinese) and its three incentive plans.
///
/// Every code sorts after `MS` (`COLLATE "C"`), so the pages' first KPI, the league table's
/// default, is the mystery shop score. `SQ_*` are the five SERVQUAL dimensions of the radar.
enum DemoDefinitions {
    static let kpis = """
        [
          {"code": "MS", "name": "Mystery shop score / 神秘顾客得分", "metric": "audit.score", "template": "dealer-aftersales", "direction": "higher", "unit": "pts", "threshold": 70, "target": 80, "stretch": 90, "minSample": 1},
          {"code": "NPS", "name": "Net promoter score / 净推荐值", "metric": "survey.nps", "direction": "higher", "threshold": 10, "target": 30, "stretch": 50, "minSample": 10},
          {"code": "RESP", "name": "First response time, median (min) / 投诉首次响应时长中位数（分钟）", "metric": "complaint.first_response_p50", "direction": "lower", "unit": "min", "threshold": 240, "target": 90, "minSample": 1},
          {"code": "SAT", "name": "Customer satisfaction (top-2-box) / 客户满意度", "metric": "survey.top2box", "direction": "higher", "unit": "%", "threshold": 70, "target": 80, "stretch": 90, "minSample": 10},
          {"code": "SAVG", "name": "Average satisfaction (1–5) / 平均满意度（1–5分）", "metric": "survey.mean", "direction": "higher", "threshold": 3.8, "target": 4.2, "minSample": 5},
          {"code": "SLA", "name": "Complaint resolution within SLA / 投诉按时解决率", "metric": "complaint.sla_rate", "direction": "higher", "unit": "%", "threshold": 70, "target": 85, "stretch": 95, "minSample": 1},
          {"code": "SQ_ASR", "name": "Assurance / 专业可信", "metric": "audit.dimension:assurance", "template": "dealer-aftersales", "direction": "higher", "threshold": 65, "target": 80, "minSample": 1},
          {"code": "SQ_EMP", "name": "Empathy / 关怀体贴", "metric": "audit.dimension:empathy", "template": "dealer-aftersales", "direction": "higher", "threshold": 65, "target": 80, "minSample": 1},
          {"code": "SQ_REL", "name": "Reliability / 可靠守信", "metric": "audit.dimension:reliability", "template": "dealer-aftersales", "direction": "higher", "threshold": 65, "target": 80, "minSample": 1},
          {"code": "SQ_RSP", "name": "Responsiveness / 响应及时", "metric": "audit.dimension:responsiveness", "template": "dealer-aftersales", "direction": "higher", "threshold": 65, "target": 80, "minSample": 1},
          {"code": "SQ_TAN", "name": "Tangibles / 环境设施", "metric": "audit.dimension:tangibles", "template": "dealer-aftersales", "direction": "higher", "threshold": 65, "target": 80, "minSample": 1},
          {"code": "VETO", "name": "Critical item failures / 否决项失分次数", "metric": "audit.critical_failures", "template": "dealer-aftersales", "direction": "lower", "unit": "count", "threshold": 1, "target": 0, "minSample": 1},
          {"code": "VOL", "name": "Complaints received / 投诉量", "metric": "complaint.count", "direction": "lower", "unit": "count", "threshold": 6, "target": 3, "minSample": 1}
        ]

        """

    static let kpiCount = 13

    /// (file name, JSON) of the plans ADV (service advisors), CSH (cashiers) and MGR (after-sales managers).
    static let plans: [(file: String, json: String)] = [
        (
            "plan-adv.json",
            #"{"code": "ADV", "name": "Service advisor monthly bonus / 服务顾问月度奖金", "roles": ["advisor"], "period": "month", "currency": "CNY", "cap": 150, "components": [{"kpi": "MS", "level": "staff", "weight": 40, "insufficient": "redistribute", "curve": {"type": "linear", "threshold": 70, "target": 80, "stretch": 90}}, {"kpi": "SAT", "level": "outlet", "weight": 40, "curve": {"type": "tiers", "tiers": [{"from": 90, "pct": 120}, {"from": 80, "pct": 100}, {"from": 70, "pct": 50}]}}, {"kpi": "SAVG", "level": "staff", "weight": 20, "insufficient": "target", "curve": {"type": "linear", "threshold": 3.8, "target": 4.2, "stretch": 4.6}}], "gates": [{"kpi": "VETO", "level": "outlet", "when": {"ge": 1}, "effect": {"multiply": 0.8}}]}"#
        ),
        (
            "plan-csh.json",
            #"{"code": "CSH", "name": "Cashier monthly bonus / 收银员月度奖金", "roles": ["cashier"], "period": "month", "currency": "CNY", "cap": 120, "components": [{"kpi": "SAT", "level": "outlet", "weight": 70, "curve": {"type": "linear", "threshold": 70, "target": 80, "stretch": 90}}, {"kpi": "SLA", "level": "outlet", "weight": 30, "insufficient": "redistribute", "curve": {"type": "linear", "threshold": 70, "target": 85, "stretch": 95}}]}"#
        ),
        (
            "plan-mgr.json",
            #"{"code": "MGR", "name": "After-sales manager monthly bonus / 售后经理月度奖金", "roles": ["manager"], "period": "month", "currency": "CNY", "cap": 150, "components": [{"kpi": "MS", "level": "outlet", "weight": 40, "curve": {"type": "linear", "threshold": 70, "target": 80, "stretch": 90}}, {"kpi": "SLA", "level": "outlet", "weight": 30, "insufficient": "redistribute", "curve": {"type": "linear", "threshold": 70, "target": 85, "stretch": 95}}, {"kpi": "NPS", "level": "outlet", "weight": 30, "curve": {"type": "tiers", "tiers": [{"from": 50, "pct": 120}, {"from": 30, "pct": 100}, {"from": 10, "pct": 50}]}}], "gates": [{"kpi": "VETO", "level": "outlet", "when": {"ge": 2}, "effect": "zero"}]}"#
        ),
    ]
}
