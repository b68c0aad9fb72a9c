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

    @Test func eachStateOffersItsTransitions() {
        #expect(ComplaintCases.transitions(from: .received) == [.assigned, .firstResponse])
        #expect(ComplaintCases.transitions(from: .assigned) == [.firstResponse])
        #expect(ComplaintCases.transitions(from: .resolved) == [.callback])
        #expect(ComplaintCases.transitions(from: .callback) == [.closed])
        #expect(ComplaintCases.transitions(from: .closed) == [])
    }

    /// A customer not satisfied at the callback reopens the case: back to assigned, to be
    /// resolved again; a satisfied one leaves it in callback, to be closed.
    @Test func anUnsatisfiedCallbackReopensTheCase() {
        #expect(ComplaintCases.outcome(of: .callback, satisfied: false) == .assigned)
        #expect(ComplaintCases.reopens(to: .callback, satisfied: false))
        #expect(ComplaintCases.outcome(of: .callback, satisfied: true) == .callback)
        #expect(!ComplaintCases.reopens(to: .callback, satisfied: true))
        #expect(ComplaintCases.outcome(of: .resolved, satisfied: nil) == .resolved)
        #expect(ComplaintCases.outcome(of: .closed, satisfied: nil) == .closed)
        // Reopened, it takes the road to resolution again, and cannot be closed before.
        let reopened = ComplaintCases.outcome(of: .callback, satisfied: false)
        #expect(ComplaintCases.problem(from: reopened, to: .firstResponse, satisfied: nil) == nil)
        #expect(ComplaintCases.problem(from: reopened, to: .closed, satisfied: nil) == "an assigned case moves to first_response, not closed")
        // Unresolved again (its resolution cleared): past the deadline it is breached.
        let h = { (hours: Double) in self.t0.addingTimeInterval(hours * 3600) }
        #expect(ComplaintCases.breached(severity: .high, openedAt: t0, resolvedAt: nil, sla: sla, now: h(30)))
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
