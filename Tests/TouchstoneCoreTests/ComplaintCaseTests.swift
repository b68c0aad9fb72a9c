import Foundation
import Testing
import TouchstoneCore

/// The complaint workflow without a database: transitions, deadlines, escalation, breach.
@Suite struct ComplaintCaseTests {
    let t0 = Date(timeIntervalSince1970: 1_789_000_000)
    let sla = SLAPolicy(high: 24, medium: 48, low: 72)

    @Test func transitionsFollowTheOrder() {
        #expect(ComplaintCases.problem(from: .received, to: .assigned, satisfied: nil) == nil)
        #expect(ComplaintCases.problem(from: .received, to: .firstResponse, satisfied: nil) == nil)
        #expect(ComplaintCases.problem(from: .assigned, to: .firstResponse, satisfied: nil) == nil)
        #expect(ComplaintCases.problem(from: .firstResponse, to: .resolved, satisfied: nil) == nil)
        #expect(ComplaintCases.problem(from: .resolved, to: .callback, satisfied: false) == nil)
        #expect(ComplaintCases.problem(from: .callback, to: .closed, satisfied: nil) == nil)
        #expect(ComplaintCases.problem(from: .received, to: .resolved, satisfied: nil) == "a received case moves to assigned, not resolved")
        #expect(ComplaintCases.problem(from: .resolved, to: .callback, satisfied: nil) == "a callback needs satisfied (true or false)")
        #expect(ComplaintCases.problem(from: .assigned, to: .firstResponse, satisfied: true) == "satisfied goes with the callback only")
        #expect(ComplaintCases.problem(from: .closed, to: .received, satisfied: nil) == "the case is closed")
    }

    @Test func importedComplaintsStartFromTheirTimes() {
        #expect(CaseState.imported(firstResponseAt: nil, resolvedAt: nil) == .received)
        #expect(CaseState.imported(firstResponseAt: t0, resolvedAt: nil) == .firstResponse)
        #expect(CaseState.imported(firstResponseAt: t0, resolvedAt: t0) == .resolved)
    }

    @Test func deadlinesEscalationAndBreach() {
        // high: 24 h limit, escalated at 18 h (75 %).
        #expect(ComplaintCases.deadline(severity: .high, openedAt: t0, sla: sla) == t0.addingTimeInterval(24 * 3600))
        #expect(ComplaintCases.escalationPoint(severity: .high, openedAt: t0, sla: sla) == t0.addingTimeInterval(18 * 3600))
        #expect(ComplaintCases.escalationPoint(severity: .low, openedAt: t0, sla: sla) == t0.addingTimeInterval(54 * 3600))
        let h = { (hours: Double) in self.t0.addingTimeInterval(hours * 3600) }
        #expect(!ComplaintCases.escalates(severity: .high, openedAt: t0, resolvedAt: nil, sla: sla, now: h(17.9)))
        #expect(ComplaintCases.escalates(severity: .high, openedAt: t0, resolvedAt: nil, sla: sla, now: h(18)))
        #expect(!ComplaintCases.escalates(severity: .high, openedAt: t0, resolvedAt: h(1), sla: sla, now: h(20)))
        #expect(!ComplaintCases.breached(severity: .high, openedAt: t0, resolvedAt: nil, sla: sla, now: h(23.9)))
        #expect(ComplaintCases.breached(severity: .high, openedAt: t0, resolvedAt: nil, sla: sla, now: h(24)))
        #expect(!ComplaintCases.breached(severity: .high, openedAt: t0, resolvedAt: h(24), sla: sla, now: h(100)))
        #expect(ComplaintCases.breached(severity: .high, openedAt: t0, resolvedAt: h(25), sla: sla, now: h(100)))
    }
}
