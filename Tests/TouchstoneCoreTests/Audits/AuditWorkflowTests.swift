import Foundation
import Testing

@testable import TouchstoneCore

/// The audit workflow of formats.md "Audit states": every transition, allowed and refused.
@Suite struct AuditWorkflowTests {
    let releasedAt = Instant.parse("2026-10-05T09:00:00+08:00")!
    let shanghai = TimeZone(identifier: "Asia/Shanghai")!

    var template: Template {
        Template(
            code: "MS", version: 1, disputeDays: 7,
            sections: [
                TemplateSection(
                    code: "S1", weight: 1, dimension: .tangibles,
                    items: [
                        TemplateItem(code: "Q1", type: .scale, points: 5, min: 1, max: 5),
                        TemplateItem(code: "Q2", type: .yesno, points: 1),
                        TemplateItem(code: "NOTE", type: .text),
                    ])
            ])
    }

    @Test func arrivalReleasesOnlyWithoutReviewFlagsOrMissingPhotos() {
        #expect(AuditWorkflow.stateOnArrival(requireReview: false, flags: [], missingEvidence: []) == .released)
        #expect(AuditWorkflow.stateOnArrival(requireReview: true, flags: [], missingEvidence: []) == .submitted)
        #expect(AuditWorkflow.stateOnArrival(requireReview: false, flags: [.tooShort], missingEvidence: []) == .submitted)
        #expect(AuditWorkflow.stateOnArrival(requireReview: false, flags: [], missingEvidence: ["P1"]) == .submitted)
    }

    @Test func reviewMovesOnlyASubmittedAudit() throws {
        #expect(try AuditWorkflow.review(.submitted, action: .release, missingEvidence: []) == .released)
        #expect(try AuditWorkflow.review(.submitted, action: .reject, missingEvidence: ["P1"]) == .rejected)
        #expect(try AuditWorkflow.review(.submitted, action: .sendBack, missingEvidence: ["P1"]) == .returned)
        for state in AuditState.allCases where state != .submitted {
            #expect(throws: AuditWorkflowRefusal.notReviewable(state)) {
                try AuditWorkflow.review(state, action: .release, missingEvidence: [])
            }
        }
        #expect(throws: AuditWorkflowRefusal.evidenceMissing(["P1", "P2"])) {
            try AuditWorkflow.review(.submitted, action: .release, missingEvidence: ["P1", "P2"])
        }
        #expect(
            AuditWorkflowRefusal.evidenceMissing(["P1", "P2"]).message(audit: "A1", timeZone: shanghai)
                == "audit A1 cannot be released: required evidence missing for P1, P2")
    }

    @Test func theDisputeWindowIsDisputeDaysTimes24HoursAfterRelease() throws {
        let deadline = AuditWorkflow.disputeDeadline(releasedAt: releasedAt, disputeDays: 7)
        #expect(Instant.format(deadline, in: shanghai) == "2026-10-12T09:00:00+08:00")
        #expect(try AuditWorkflow.dispute(.released, releasedAt: releasedAt, disputeDays: 7, now: deadline) == .disputed)
        let late = deadline.addingTimeInterval(1)
        #expect(throws: AuditWorkflowRefusal.disputeWindowClosed(deadline: deadline)) {
            try AuditWorkflow.dispute(.released, releasedAt: releasedAt, disputeDays: 7, now: late)
        }
        #expect(
            AuditWorkflowRefusal.disputeWindowClosed(deadline: deadline).message(audit: "A1", timeZone: shanghai)
                == "the dispute window of audit A1 closed at 2026-10-12T09:00:00+08:00")
        for state in AuditState.allCases where state != .released {
            #expect(throws: AuditWorkflowRefusal.notDisputable(state)) {
                try AuditWorkflow.dispute(state, releasedAt: releasedAt, disputeDays: 7, now: releasedAt)
            }
        }
    }

    @Test func disputedItemsMustBeScoredNamedOnceWithAReasonAndAValidProposal() {
        let answers: [String: Answer] = ["Q1": .number(3), "Q2": .text("no"), "NOTE": .text("ok")]
        #expect(AuditWorkflow.disputeProblems([], template: template, answers: answers).map(\.path) == ["items"])
        let problems = AuditWorkflow.disputeProblems(
            [
                DisputedItem(item: "Q1", reason: "photo shows a clean counter", proposedAnswer: .number(5)),
                DisputedItem(item: "NOTE", reason: "x"),
                DisputedItem(item: "Q1", reason: ""),
                DisputedItem(item: "Q2", reason: "y", proposedAnswer: .number(7)),
            ], template: template, answers: answers)
        #expect(problems.map(\.path) == ["items[1].item", "items[2].item", "items[2].reason", "items[3].proposedAnswer"])
        #expect(problems[0].message == "\"NOTE\" is not a scored item of the template")
        #expect(
            AuditWorkflow.disputeProblems(
                [DisputedItem(item: "Q2", reason: "the greeting was given", proposedAnswer: .text("yes"))], template: template,
                answers: answers
            ).isEmpty)
    }

    @Test func decisionsNeedADisputedAuditAndEndInFinal() throws {
        try AuditWorkflow.decide(.disputed)
        for state in AuditState.allCases where state != .disputed {
            #expect(throws: AuditWorkflowRefusal.nothingToDecide(state)) { try AuditWorkflow.decide(state) }
        }
        #expect(AuditWorkflow.afterDecision(openDisputesLeft: true) == .disputed)
        #expect(AuditWorkflow.afterDecision(openDisputesLeft: false) == .final)
    }
}
