/// The access policy: which roles may take each ``Action``, and within which ``Reach``.
/// Every permission check of the API, the pages and the store's scopes comes from here.
public enum Policy {
    /// The roles that may take `action` at all.
    public static func roles(for action: Action) -> Set<Role> {
        let headOffice: Set<Role> = [.admin, .analyst]
        switch action {
        case .manageOutlets, .manageStaff, .defineTemplates, .reviewAudits, .decideDisputes, .defineKPIs, .readBatchSchedule,
            .closePeriod, .definePlans, .importEvents, .manageUsers, .manageTokens, .importVisits, .manageWebhooks,
            .configureActions:
            return [.admin]
        case .readWarnings, .runBatch, .readBatchRuns, .approvePeriod, .readPlans, .readChangeLog, .export, .readFieldSummary,
            .handleComplaints:
            return headOffice
        case .readKPIDefinitions, .readLeague, .readOverview, .openActions, .verifyActions, .readComplaints:
            return headOffice.union([.regionManager])
        case .readOutlets, .readTemplates:
            return headOffice.union([.regionManager, .outletManager, .auditor, .agencyCoordinator])
        case .readActions:
            return headOffice.union([.regionManager, .outletManager])
        case .readStaff, .readKPIs:
            return headOffice.union([.regionManager, .outletManager, .staff])
        case .readPayouts:
            return headOffice.union([.staff])
        case .uploadAudits:
            return [.admin, .auditor]
        case .useFieldForm:
            return [.auditor]
        case .readVisits:
            return headOffice.union([.auditor, .agencyCoordinator])
        case .planVisits:
            return [.admin, .agencyCoordinator]
        case .startVisits:
            return [.auditor]
        case .disputeAudits, .workOnActions:
            return [.admin, .outletManager]
        case .readAudits, .changeOwnPassword:
            return Set(Role.allCases)
        }
    }

    /// Actions a role takes across the whole tenant whatever its own scope: auditors read
    /// every outlet (they may be sent to any of them), and so do agency coordinators (who plan
    /// their auditors' visits to them).
    static func isTenantWide(_ action: Action, for role: Role) -> Bool {
        (role == .auditor || role == .agencyCoordinator) && action == .readOutlets
    }
}

extension Principal {
    /// The reach of the role (a scope it lacks reaches nothing, as an empty name).
    public var reach: Reach {
        switch role {
        case .admin, .analyst: .tenant
        case .regionManager: .region(regionPath ?? "")
        case .outletManager: .outlet(outletCode ?? "")
        case .staff: .employee(employeeNo ?? "")
        case .auditor: .submitter(login)
        case .agencyCoordinator: .agency(coordinator: login)
        }
    }

    /// Where the caller may take `action`, or nil when its role may not take it at all.
    public func reach(for action: Action) -> Reach? {
        guard Policy.roles(for: action).contains(role) else { return nil }
        return Policy.isTenantWide(action, for: role) ? .tenant : reach
    }

    /// Whether the caller's role may take `action` somewhere.
    public func may(_ action: Action) -> Bool {
        reach(for: action) != nil
    }

    /// Whether the caller may take `action` on `subject`. A person's KPIs are for head office
    /// and the person (managers see their outlets' KPIs, not their people's).
    public func may(_ action: Action, on subject: Subject) -> Bool {
        guard let reach = reach(for: action) else { return false }
        if action == .readKPIs, case .employee(let number, _) = subject { return reach == .tenant || reach == .employee(number) }
        return reach.covers(subject)
    }
}
