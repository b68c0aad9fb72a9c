import Testing
import TouchstoneCore

/// Setting a user's role and scope, and the rule that the last active admin stays.
@Suite struct UserScopeTests {
    @Test func eachScopedRoleNeedsItsFieldAndKeepsOnlyIt() throws {
        let manager = try UserScope(role: .regionManager, regionPath: " 华东/上海 ", outletCode: "O1", employeeNo: "E8")
        #expect(manager.regionPath == "华东/上海" && manager.outletCode == nil && manager.employeeNo == nil)
        let admin = try UserScope(role: .admin, regionPath: "华东", outletCode: "O1", employeeNo: "E8")
        #expect(admin.regionPath == nil && admin.outletCode == nil && admin.employeeNo == nil)
        #expect(try UserScope(role: .staff, employeeNo: "E8").employeeNo == "E8")
        let auditor = try UserScope(role: .auditor, regionPath: "华东/浙江", outletCode: "O1", employeeNo: "E8")
        #expect(auditor.regionPath == "华东/浙江" && auditor.outletCode == nil && auditor.employeeNo == "E8")
        let anywhere = try UserScope(role: .auditor)
        #expect(anywhere.regionPath == nil && anywhere.employeeNo == nil)
        let member = try UserScope(role: .auditor, agencyCode: " A-1 ")
        #expect(member.agencyCode == "A-1")
        #expect(try UserScope(role: .agencyCoordinator, regionPath: "华东", agencyCode: "A").regionPath == nil)
        #expect(try UserScope(role: .analyst, agencyCode: "A").agencyCode == nil)
        let badCode = #expect(throws: ValidationFailure.self) { try UserScope(role: .auditor, agencyCode: "A B") }
        #expect(badCode?.problems.map(\.path) == ["agency"])
        for (role, field) in [(Role.regionManager, "region"), (.outletManager, "outlet"), (.staff, "employee"), (.agencyCoordinator, "agency")] {
            let failure = #expect(throws: ValidationFailure.self) { try UserScope(role: role, regionPath: " ", outletCode: "", employeeNo: nil) }
            #expect(failure?.problems.map(\.path) == [field])
        }
    }

    @Test func rolesParseByTheirNames() throws {
        #expect(try Role.parse("region_manager") == .regionManager)
        let failure = #expect(throws: ValidationFailure.self) { try Role.parse("root") }
        #expect(
            failure?.problems == [
                Problem(
                    path: "role",
                    message:
                        "unknown role \"root\": one of admin, analyst, region_manager, outlet_manager, auditor, staff, agency_coordinator")
            ])
    }

    @Test func theLastActiveAdminCannotBeDisabledOrDemoted() {
        let alone: Set<String> = ["ann"]
        let refusedSelf = AdminLockout.refusal(changing: "ann", toRole: .admin, disabled: true, activeAdmins: alone, actor: "ann")
        #expect(refusedSelf == Problem(path: "disabled", message: "you are the last active admin: enable or add another admin first"))
        let demoted = AdminLockout.refusal(changing: "ann", toRole: .analyst, disabled: false, activeAdmins: alone, actor: "cli:root")
        #expect(demoted?.path == "role" && demoted?.message.hasPrefix("ann is the last active admin") == true)
        // Unchanged, or with another active admin, or about someone else: allowed.
        #expect(AdminLockout.refusal(changing: "ann", toRole: .admin, disabled: false, activeAdmins: alone, actor: "ann") == nil)
        #expect(AdminLockout.refusal(changing: "ann", toRole: .staff, disabled: true, activeAdmins: ["ann", "bob"], actor: "ann") == nil)
        #expect(AdminLockout.refusal(changing: "eve", toRole: .analyst, disabled: true, activeAdmins: alone, actor: "ann") == nil)
        // No admin at all (a tenant before its first admin): nothing to lose.
        #expect(AdminLockout.refusal(changing: "eve", toRole: .analyst, disabled: true, activeAdmins: [], actor: "eve") == nil)
    }
}
