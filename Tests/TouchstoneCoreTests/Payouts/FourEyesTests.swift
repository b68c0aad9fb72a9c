import Testing
import TouchstoneCore

/// The four-eyes rule of payroll (docs/payroll.md) as a pure function.
@Suite struct FourEyesTests {
    @Test func theRunnerMayNotApproveTheirOwnRun() {
        #expect(
            FourEyes.approvalRefusal(period: "2026-09", ranBy: "anna", approver: .person("anna"))
                == "Four eyes: anna ran the batch that computed the payouts of 2026-09, so another head-office user must approve them.")
        #expect(FourEyes.approvalRefusal(period: "2026-09", ranBy: "anna", approver: .person("bo")) == nil)
        // Logins are compared exactly: a different case is a different login.
        #expect(FourEyes.approvalRefusal(period: "2026-09", ranBy: "anna", approver: .person("Anna")) == nil)
    }

    @Test func runsWithoutAWebPersonMayBeApprovedByAnyone() {
        // The daemon's schedule, the command line and the demo name no head-office login.
        for machine in ["schedule", "cli:ops", "demo"] {
            #expect(FourEyes.approvalRefusal(period: "2026-09", ranBy: machine, approver: .person("anna")) == nil)
        }
        // Payouts with no recorded run.
        #expect(FourEyes.approvalRefusal(period: "2026-09", ranBy: nil, approver: .person("anna")) == nil)
        // A login spelled like the machine's name is refused: the rule errs on the side of a second person.
        #expect(FourEyes.approvalRefusal(period: "2026-09", ranBy: "schedule", approver: .person("schedule")) != nil)
    }

    @Test func theCommandLineIsOutsideTheRule() {
        #expect(FourEyes.approvalRefusal(period: "2026-09", ranBy: "cli:ops", approver: .commandLine("cli:ops")) == nil)
        #expect(FourEyes.Approver.commandLine("cli:ops").name == "cli:ops")
        #expect(FourEyes.Approver.person("anna").name == "anna")
    }

    @Test func closingNeedsEveryPayoutRowApproved() {
        #expect(FourEyes.closeRefusal(period: "2026-09", unapproved: 0) == nil)
        #expect(
            FourEyes.closeRefusal(period: "2026-09", unapproved: 3)
                == "Four eyes: 3 payout rows of 2026-09 are not approved; a head-office user who did not run the batch must approve them before the period is closed."
        )
    }
}
