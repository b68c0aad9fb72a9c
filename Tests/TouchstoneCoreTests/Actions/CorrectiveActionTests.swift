import Foundation
import Testing

@testable import TouchstoneCore

@Suite struct CorrectiveActionTests {
    @Test func theUsualPath() {
        #expect(ActionState.open.after(.start) == .inProgress)
        #expect(ActionState.inProgress.after(.submit) == .submitted)
        #expect(ActionState.submitted.after(.verify) == .verified)
        #expect(ActionState.submitted.after(.reopen) == .reopened)
        #expect(ActionState.reopened.after(.start) == .inProgress)
        #expect(ActionState.reopened.after(.submit) == .submitted)
        #expect(ActionState.open.after(.submit) == .submitted)
        #expect(ActionState.verified.after(.reopen) == .reopened)
    }

    @Test func refusedSteps() {
        #expect(ActionState.open.after(.verify) == nil)
        #expect(ActionState.inProgress.after(.verify) == nil)
        #expect(ActionState.open.after(.reopen) == nil)
        #expect(ActionState.submitted.after(.submit) == nil)
        #expect(ActionState.submitted.after(.start) == nil)
        #expect(ActionState.inProgress.after(.start) == nil)
        #expect(ActionState.verified.after(.autoVerify) == nil)
        for step in ActionStep.allCases where step != .reopen {
            #expect(ActionState.verified.after(step) == nil, "verified then \(step)")
        }
        for state in ActionState.allCases where state != .verified {
            #expect(state.after(.autoVerify) == .verified)
        }
    }

    @Test func stepsNeedTheirPermission() {
        #expect(ActionStep.start.permission == .workOnActions && ActionStep.submit.permission == .workOnActions)
        #expect(ActionStep.verify.permission == .verifyActions && ActionStep.reopen.permission == .verifyActions)
        #expect(ActionStep.autoVerify.permission == nil)
        let manager = Principal(tenantID: 1, tenantCode: "t", login: "o", role: .outletManager, outletCode: "O1")
        let region = Principal(tenantID: 1, tenantCode: "t", login: "r", role: .regionManager, regionPath: "华东")
        #expect(manager.may(.workOnActions, on: .outlet("O1", regionPath: "华东")))
        #expect(!manager.may(.workOnActions, on: .outlet("O2", regionPath: "华东")))
        #expect(!manager.may(.verifyActions, on: .outlet("O1", regionPath: "华东")))
        #expect(region.may(.verifyActions, on: .outlet("O1", regionPath: "华东/上海")))
        #expect(!region.may(.verifyActions, on: .outlet("O9", regionPath: "华南")))
        #expect(!region.may(.workOnActions, on: .outlet("O1", regionPath: "华东")))
    }

    @Test func overdueIsPastDueAndNotVerified() {
        let due = Date(timeIntervalSince1970: 1_000_000)
        #expect(CorrectiveActions.isOverdue(state: .open, due: due, asOf: due.addingTimeInterval(1)))
        #expect(CorrectiveActions.isOverdue(state: .submitted, due: due, asOf: due.addingTimeInterval(1)))
        #expect(!CorrectiveActions.isOverdue(state: .open, due: due, asOf: due))
        #expect(!CorrectiveActions.isOverdue(state: .verified, due: due, asOf: due.addingTimeInterval(86_400)))
    }

    @Test func dueDaysDefaultsAndOverrides() throws {
        let defaults = ActionDueDays.defaults
        #expect(defaults.days(.audit, .high) == 3 && defaults.days(.audit, .medium) == 7 && defaults.days(.audit, .low) == 14)
        #expect(defaults.days(.kpi, .medium) == 30 && defaults.days(.complaint, .high) == 2 && defaults.days(.manual, .low) == 30)
        #expect(defaults.rows.count == 12)
        let set = try ActionDueDays(overrides: [(.audit, .high, 1)])
        #expect(set.days(.audit, .high) == 1 && set.days(.audit, .medium) == 7)
        let opened = Date(timeIntervalSince1970: 0)
        #expect(set.due(.audit, .high, openedAt: opened) == Date(timeIntervalSince1970: 86_400))
        #expect(throws: ValidationFailure(path: "kpi.low", message: "must be 1..365 days, not 0")) {
            try ActionDueDays(overrides: [(.kpi, .low, 0)])
        }
        // The same pair twice is refused (the settings table holds one row per pair).
        #expect(throws: ValidationFailure(path: "audit.low", message: "given twice")) {
            try ActionDueDays(overrides: [(.audit, .low, 5), (.audit, .low, 6)])
        }
    }

    static let template = """
        {"code": "T", "version": 1, "sections": [
          {"code": "S", "weight": 1, "dimension": "tangibles", "items": [
            {"code": "clean", "type": "yesno", "points": 1, "critical": "section"},
            {"code": "safe", "type": "yesno", "points": 1, "critical": "audit"},
            {"code": "sign", "type": "yesno", "points": 1, "action": true},
            {"code": "smile", "type": "yesno", "points": 1},
            {"code": "wait", "type": "scale", "points": 2, "min": 1, "max": 3, "action": true}
          ]}]}
        """

    @Test func findingsAreFailedCriticalOrActionItems() throws {
        let t = try Template.parse(json: Data(Self.template.utf8))
        #expect(t.item("sign")?.action == true && t.item("smile")?.action == false)
        let allFailed: [String: Answer] = ["clean": .text("no"), "safe": .text("no"), "sign": .text("no"), "smile": .text("no"), "wait": .number(1)]
        let findings = CorrectiveActions.findings(template: t, score: AuditScoring.score(template: t, answers: allFailed))
        #expect(
            findings == [
                .init(item: "clean", severity: .high), .init(item: "safe", severity: .high), .init(item: "sign", severity: .medium),
                .init(item: "wait", severity: .medium),
            ])
        let passed: [String: Answer] = ["clean": .text("yes"), "safe": .text("yes"), "sign": .text("yes"), "smile": .text("no"), "wait": .number(2)]
        let score = AuditScoring.score(template: t, answers: passed)
        #expect(CorrectiveActions.findings(template: t, score: score).isEmpty)
        #expect(CorrectiveActions.passedItems(score: score) == ["clean", "safe", "sign", "wait"])
    }

    @Test func actionOnlyOnScoredItems() {
        let json = """
            {"code": "T", "version": 1, "sections": [{"code": "S", "weight": 1, "dimension": "tangibles", "items": [
              {"code": "note", "type": "text", "action": true}]}]}
            """
        #expect(throws: ValidationFailure(path: "sections[0].items[0].action", message: "only scored items can fail and open an action")) {
            try Template.parse(json: Data(json.utf8))
        }
    }

    @Test func theFirstLaterPassingReleaseAtTheOutletVerifies() {
        let day = { (d: Int) in Date(timeIntervalSince1970: Double(d) * 86_400) }
        typealias Visit = CorrectiveActions.ReleasedVisit<String>
        let releases = [
            Visit(audit: "A1", outlet: "SH-01", visitedAt: day(5), passed: ["clean"]),  // visited before the opener of "wait"
            Visit(audit: "a2", outlet: "SH-01", visitedAt: day(9), passed: ["clean", "wait"]),
            Visit(audit: "a3", outlet: "SH-01", visitedAt: day(12), passed: ["wait", "safe"]),
            Visit(audit: "a4", outlet: "BJ-02", visitedAt: day(20), passed: ["clean", "wait", "safe"]),
        ]
        let actions = [
            // Opened by an audit stored before: the first release visited after it that passed the item.
            CorrectiveActions.OpenAuditAction(outlet: "SH-01", item: "wait", openedBy: "old", openerVisitedAt: day(6)),
            CorrectiveActions.OpenAuditAction(outlet: "SH-01", item: "clean", openedBy: "old", openerVisitedAt: day(1)),
            // Opened by a3 itself (released third): only a later release of these may verify it.
            CorrectiveActions.OpenAuditAction(outlet: "SH-01", item: "clean", openedBy: "A3", openerVisitedAt: day(12)),
            // Opened by a2, visited before a3 but not released before it: a3 verifies; the id's case does not matter.
            CorrectiveActions.OpenAuditAction(outlet: "SH-01", item: "safe", openedBy: "A2", openerVisitedAt: day(9)),
            // Another outlet's audit passing the item does not count; nor does a visit at the same instant.
            CorrectiveActions.OpenAuditAction(outlet: "GZ-03", item: "wait", openedBy: "old", openerVisitedAt: day(1)),
            CorrectiveActions.OpenAuditAction(outlet: "BJ-02", item: "safe", openedBy: "old", openerVisitedAt: day(20)),
        ]
        #expect(CorrectiveActions.verifiers(of: actions, among: releases) == [1, 0, nil, 2, nil, nil])
    }

    @Test func complaintBreach() {
        let opened = Date(timeIntervalSince1970: 0)
        let high = Complaint(severity: .high, openedAt: opened)
        #expect(!CorrectiveActions.breached(high, policy: .default, asOf: opened.addingTimeInterval(23 * 3600)))
        #expect(CorrectiveActions.breached(high, policy: .default, asOf: opened.addingTimeInterval(24 * 3600)))
        let resolvedLate = Complaint(severity: .high, openedAt: opened, resolvedAt: opened.addingTimeInterval(25 * 3600))
        #expect(CorrectiveActions.breached(resolvedLate, policy: .default, asOf: opened))
        let resolvedInTime = Complaint(severity: .low, openedAt: opened, resolvedAt: opened.addingTimeInterval(72 * 3600))
        #expect(!CorrectiveActions.breached(resolvedInTime, policy: .default, asOf: opened.addingTimeInterval(999 * 3600)))
    }
}

/// The action metrics on the worked example of docs/actions.md "KPI metrics".
@Suite struct ActionMetricTests {
    static func at(_ text: String) -> Date { Instant.parse(text)! }
    static let opened = at("2026-09-20T09:00:00+08:00")
    /// A–E of the worked example (outlet O1, period 2026-10, as of 2026-11-05 00:00 +08:00).
    static let actions = [
        ActionFacts(openedAt: opened, dueAt: at("2026-10-03T09:00:00+08:00"), verifiedAt: at("2026-10-02T15:00:00+08:00")),
        ActionFacts(openedAt: opened, dueAt: at("2026-10-10T09:00:00+08:00"), verifiedAt: at("2026-10-12T10:00:00+08:00")),
        ActionFacts(openedAt: opened, dueAt: at("2026-10-20T09:00:00+08:00")),
        ActionFacts(openedAt: opened, dueAt: at("2026-11-10T09:00:00+08:00")),
        ActionFacts(openedAt: opened, dueAt: at("2026-10-25T09:00:00+08:00"), verifiedAt: at("2026-11-07T09:00:00+08:00")),
    ]
    static let start = at("2026-10-01T00:00:00+08:00")
    static let end = at("2026-11-01T00:00:00+08:00")
    static let asOf = at("2026-11-05T00:00:00+08:00")

    @Test func metricNames() {
        #expect(Metric("action.closure_on_time") == .actionClosureOnTime && Metric("action.open_overdue") == .actionOpenOverdue)
        #expect(Metric.actionClosureOnTime.description == "action.closure_on_time" && Metric.actionOpenOverdue.source == "action")
        #expect(!Metric.actionOpenOverdue.isAudit)
    }

    @Test func closureOnTime() {
        // A on time; B verified late; C and E (verified after the as-of) past due: 1 of 4. D is due in November.
        #expect(ActionMetrics.closureOnTime(Self.actions, start: Self.start, end: Self.end, asOf: Self.asOf) == MetricValue(value: 25, n: 4))
        // As of 2026-10-15: C and E are neither verified nor past due yet; A on time, B late.
        #expect(
            ActionMetrics.closureOnTime(Self.actions, start: Self.start, end: Self.end, asOf: Self.at("2026-10-15T00:00:00+08:00"))
                == MetricValue(value: 50, n: 2))
        // Verified exactly at the due instant is on time.
        let exact = ActionFacts(openedAt: Self.opened, dueAt: Self.start, verifiedAt: Self.start)
        #expect(ActionMetrics.closureOnTime([exact], start: Self.start, end: Self.end, asOf: Self.asOf) == MetricValue(value: 100, n: 1))
        #expect(ActionMetrics.closureOnTime([Self.actions[3]], start: Self.start, end: Self.end, asOf: Self.asOf) == nil)
    }

    @Test func openOverdue() {
        // C (due 10-20) and E (verified only after the as-of) are open and past due; n = the 5 opened.
        #expect(ActionMetrics.openOverdue(Self.actions, asOf: Self.asOf) == MetricValue(value: 2, n: 5))
        #expect(ActionMetrics.openOverdue(Self.actions, asOf: Self.at("2026-11-08T00:00:00+08:00")) == MetricValue(value: 1, n: 5))
        #expect(ActionMetrics.openOverdue(Self.actions, asOf: Self.at("2026-09-01T00:00:00+08:00")) == nil)
    }
}
