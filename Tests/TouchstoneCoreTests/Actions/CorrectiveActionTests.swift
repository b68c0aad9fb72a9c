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
