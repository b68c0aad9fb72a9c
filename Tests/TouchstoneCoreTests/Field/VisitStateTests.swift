import Testing

@testable import TouchstoneCore

@Suite struct VisitStateTests {
    @Test func theUsualPath() {
        #expect(VisitState.planned.after(.assign) == .assigned)
        #expect(VisitState.assigned.after(.start) == .inProgress)
        #expect(VisitState.inProgress.after(.submit) == .submitted)
        #expect(VisitState.assigned.after(.submit) == .submitted)
        #expect(VisitState.assigned.after(.assign) == .assigned)
        #expect(VisitState.assigned.after(.unassign) == .planned)
    }

    @Test func endsAreFinal() {
        for end in [VisitState.submitted, .expired, .cancelled] {
            #expect(end.isFinal)
            for event in VisitEvent.allCases where !(end == .expired && event == .submit) {
                #expect(end.after(event, lateVisitsAccepted: true) == nil, "\(end) then \(event)")
            }
        }
        #expect(!VisitState.planned.isFinal && !VisitState.assigned.isFinal && !VisitState.inProgress.isFinal)
    }

    @Test func anExpiredVisitTakesAnAuditOnlyWhenLateVisitsAreAccepted() {
        #expect(VisitState.expired.after(.submit) == nil)
        #expect(VisitState.expired.after(.submit, lateVisitsAccepted: true) == .submitted)
    }

    @Test func refusedMoves() {
        #expect(VisitState.planned.after(.start) == nil)
        #expect(VisitState.planned.after(.submit) == nil)
        #expect(VisitState.planned.after(.unassign) == nil)
        #expect(VisitState.inProgress.after(.assign) == nil)
        #expect(VisitState.planned.after(.cancel) == .cancelled && VisitState.inProgress.after(.expire) == .expired)
    }

    @Test func monthsAreCalendarMonthsClampedToTheMonthsEnd() {
        #expect(CivilDate("2026-01-31")!.adding(months: 1) == CivilDate("2026-02-28")!)
        #expect(CivilDate("2024-01-31")!.adding(months: 1) == CivilDate("2024-02-29")!)
        #expect(CivilDate("2026-08-15")!.adding(months: 6) == CivilDate("2027-02-15")!)
        #expect(CivilDate("2026-03-31")!.adding(months: -4) == CivilDate("2025-11-30")!)
        #expect(
            CivilDate("0001-01-01")!.adding(months: -1) == CivilDate("0001-01-01")!
                && CivilDate("9999-12-31")!.adding(months: 1) == CivilDate("9999-12-31")!)
    }

    @Test func rotationIntervalIsMeasuredInCalendarMonthsEitherWay() {
        let rules = RotationRules()
        #expect(rules.intervalMonths == 6)
        #expect(rules.tooClose(CivilDate("2026-01-10")!, CivilDate("2026-07-09")!))
        #expect(!rules.tooClose(CivilDate("2026-01-10")!, CivilDate("2026-07-10")!))
        #expect(rules.tooClose(CivilDate("2026-07-09")!, CivilDate("2026-01-10")!))
        #expect(RotationRules(intervalMonths: 0).tooClose(CivilDate("2026-01-10")!, CivilDate("2026-01-10")!) == false)
    }
}

@Suite struct VisitExpiryTests {
    @Test func anOpenVisitExpiresTheDayAfterItsWindow() {
        let last = CivilDate("2026-10-10")!
        for state in [VisitState.planned, .assigned, .inProgress] {
            #expect(!state.expires(windowTo: last, today: last), "\(state) on its last day")
            #expect(state.expires(windowTo: last, today: CivilDate("2026-10-11")!), "\(state) the day after")
        }
        for state in [VisitState.submitted, .expired, .cancelled] {
            #expect(!state.expires(windowTo: last, today: CivilDate("2027-01-01")!), "\(state) stays")
        }
    }
}
