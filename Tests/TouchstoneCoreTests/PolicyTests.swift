import Testing
import TouchstoneCore

/// The access policy written out: every role × action, then who sees which subject.
@Suite struct PolicyTests {
    static let admin = Principal(tenantID: 1, tenantCode: "t", login: "a", role: .admin)
    static let analyst = Principal(tenantID: 1, tenantCode: "t", login: "n", role: .analyst)
    static let regionManager = Principal(tenantID: 1, tenantCode: "t", login: "r", role: .regionManager, regionPath: "R_1")
    static let outletManager = Principal(tenantID: 1, tenantCode: "t", login: "o", role: .outletManager, outletCode: "O1")
    static let auditor = Principal(tenantID: 1, tenantCode: "t", login: "u", role: .auditor)
    static let staff = Principal(tenantID: 1, tenantCode: "t", login: "s", role: .staff, employeeNo: "E1")
    static let coordinator = Principal(tenantID: 1, tenantCode: "t", login: "c", role: .agencyCoordinator)
    /// The columns of ``table``, in order.
    static let columns = [admin, analyst, regionManager, outletManager, auditor, staff, coordinator]

    /// `x` allowed, `.` denied; columns: admin, analyst, region manager, outlet manager, auditor, staff, agency coordinator.
    static let table: [Action: String] = [
        .readOutlets: "x x x x x . x",
        .manageOutlets: "x . . . . . .",
        .readStaff: "x x x x . x .",
        .manageStaff: "x . . . . . .",
        .readTemplates: "x x x x x . x",
        .defineTemplates: "x . . . . . .",
        .uploadAudits: "x . . . x . .",
        .readAudits: "x x x x x x x",
        .reviewAudits: "x . . . . . .",
        .disputeAudits: "x . . x . . .",
        .decideDisputes: "x . . . . . .",
        .readKPIDefinitions: "x x x . . . .",
        .defineKPIs: "x . . . . . .",
        .readKPIs: "x x x x . x .",
        .readLeague: "x x x . . . .",
        .readWarnings: "x x . . . . .",
        .readOverview: "x x x . . . .",
        .runBatch: "x x . . . . .",
        .readBatchSchedule: "x . . . . . .",
        .readBatchRuns: "x x . . . . .",
        .readPayouts: "x x . . . x .",
        .approvePeriod: "x x . . . . .",
        .closePeriod: "x . . . . . .",
        .readPlans: "x x . . . . .",
        .definePlans: "x . . . . . .",
        .importEvents: "x . . . . . .",
        .readChangeLog: "x x . . . . .",
        .export: "x x . . . . .",
        .manageUsers: "x . . . . . .",
        .manageTokens: "x . . . . . .",
        .changeOwnPassword: "x x x x x x x",
        .readVisits: "x x . . x . x",
        .planVisits: "x . . . . . x",
        .importVisits: "x . . . . . .",
        .startVisits: ". . . . x . .",
        .readFieldSummary: "x x . . . . .",
        .useFieldForm: ". . . . x . .",
        .manageWebhooks: "x . . . . . .",
        .readActions: "x x x x . . .",
        .openActions: "x x x . . . .",
        .workOnActions: "x . . x . . .",
        .verifyActions: "x x x . . . .",
        .configureActions: "x . . . . . .",
        .handleComplaints: "x x . . . . .",
        .readComplaints: "x x x . . . .",
    ]

    @Test func tableNamesEveryAction() {
        #expect(Set(Self.table.keys) == Set(Action.allCases))
        #expect(Self.columns.map(\.role) == Role.allCases)
    }

    @Test(arguments: Action.allCases)
    func rolesMayTakeExactlyTheirActions(_ action: Action) {
        let expected = (Self.table[action] ?? "").split(separator: " ").map { $0 == "x" }
        #expect(Self.columns.map { $0.may(action) } == expected)
    }

    @Test func reachFollowsTheRole() {
        #expect(
            Self.columns.map(\.reach) == [
                .tenant, .tenant, .region("R_1"), .outlet("O1"), .submitter("u"), .employee("E1"), .agency(coordinator: "c"),
            ])
        #expect(Self.coordinator.reach(for: .readVisits) == .agency(coordinator: "c"))
        #expect(Self.coordinator.reach(for: .planVisits) == .agency(coordinator: "c"))
        #expect(Self.coordinator.reach(for: .readAudits) == .agency(coordinator: "c"))
        #expect(Self.coordinator.reach(for: .readOutlets) == .tenant)
        #expect(!Self.coordinator.may(.readKPIs, on: .tenant))
        #expect(!Self.coordinator.may(.readAudits, on: .outlet("O1", regionPath: "R_1")))
        #expect(Self.auditor.reach(for: .readOutlets) == .tenant)
        #expect(Self.auditor.reach(for: .readAudits) == .submitter("u"))
        #expect(Self.auditor.reach(for: .readVisits) == .submitter("u"))
        #expect(Self.auditor.reach(for: .useFieldForm) == .submitter("u"))
        #expect(Self.staff.reach(for: .readOutlets) == nil)
    }

    @Test func regionSubtreeTakesNamesLiterally() {
        let manager = Self.regionManager
        #expect(manager.may(.readKPIs, on: .region("R_1")))
        #expect(manager.may(.readKPIs, on: .region("R_1/东")))
        #expect(!manager.may(.readKPIs, on: .region("RX1")))
        #expect(!manager.may(.readKPIs, on: .region("R_10")))
        #expect(!manager.may(.readKPIs, on: .region("R")))
        #expect(manager.may(.readKPIs, on: .outlet("A2", regionPath: "R_1/东")))
        #expect(!manager.may(.readKPIs, on: .outlet("B1", regionPath: "RX1/东")))
        #expect(!manager.may(.readKPIs, on: .outlet("B1", regionPath: nil)))
        #expect(!manager.may(.readKPIs, on: .tenant))
        let percent = Principal(tenantID: 1, tenantCode: "t", login: "p", role: .regionManager, regionPath: "R%")
        #expect(percent.may(.readOutlets, on: .outlet("C1", regionPath: "R%/a")))
        #expect(!percent.may(.readOutlets, on: .outlet("D1", regionPath: "RA/b")))
    }

    @Test func outletsAreSeenByTheirManagerHeadOfficeAndAuditors() {
        let own = Subject.outlet("O1", regionPath: "R_1")
        let other = Subject.outlet("O2", regionPath: "R_1")
        #expect(Self.outletManager.may(.readOutlets, on: own))
        #expect(!Self.outletManager.may(.readOutlets, on: other))
        #expect(Self.auditor.may(.readOutlets, on: other))
        #expect(!Self.auditor.may(.readKPIs, on: other))
        #expect(Self.analyst.may(.readKPIs, on: other))
        #expect(!Self.staff.may(.readKPIs, on: own))
    }

    @Test func peopleAreSeenWhereTheyWereAssigned() {
        let person = Subject.employee("E2", assignedTo: [.init(outlet: "O1", regionPath: "R_1/东")])
        let elsewhere = Subject.employee("E3", assignedTo: [.init(outlet: "O9", regionPath: "RX1")])
        #expect(Self.regionManager.may(.readStaff, on: person))
        #expect(!Self.regionManager.may(.readStaff, on: elsewhere))
        #expect(Self.outletManager.may(.readStaff, on: person))
        #expect(!Self.outletManager.may(.readStaff, on: elsewhere))
        #expect(!Self.auditor.may(.readStaff, on: person))
        #expect(Self.staff.may(.readStaff, on: .employee("E1", assignedTo: [])))
        #expect(!Self.staff.may(.readStaff, on: person))
        #expect(Self.admin.may(.readStaff, on: elsewhere))
    }

    @Test func aPersonsKPIsAndPayoutsAreTheirsAndHeadOffices() {
        let person = Subject.employee("E1", assignedTo: [.init(outlet: "O1", regionPath: "R_1")])
        #expect(Self.staff.may(.readKPIs, on: person))
        #expect(Self.analyst.may(.readKPIs, on: person))
        #expect(!Self.regionManager.may(.readKPIs, on: person))
        #expect(!Self.outletManager.may(.readKPIs, on: person))
        #expect(Self.staff.may(.readPayouts, on: person))
        #expect(!Self.staff.may(.readPayouts, on: .employee("E2", assignedTo: [])))
        #expect(Self.admin.may(.readPayouts, on: .tenant))
        #expect(!Self.staff.may(.readPayouts, on: .tenant))
    }
}
