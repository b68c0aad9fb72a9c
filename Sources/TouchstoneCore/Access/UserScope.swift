/// A user's role and the scope it is bound to (``Principal``'s region path, outlet code or
/// employee number; the agency of an auditor or an agency coordinator), as an admin sets it: each scoped role needs its one field, and the fields a
/// role does not use are dropped, so a user never carries a stale scope. Whether the region,
/// outlet or employee exists is the store's to check.
public struct UserScope: Sendable, Hashable {
    public let role: Role
    public let regionPath: String?
    public let outletCode: String?
    public let employeeNo: String?
    /// The agency code: optional for an auditor (its agency's coordinator plans its visits),
    /// required for an agency coordinator.
    public let agencyCode: String?

    /// The scope of `role` from the fields given (blank ones count as missing).
    /// - Throws: ``ValidationFailure`` naming the field (`region`, `outlet`, `employee`, `agency`) the role needs.
    public init(
        role: Role, regionPath: String? = nil, outletCode: String? = nil, employeeNo: String? = nil, agencyCode: String? = nil
    ) throws {
        func given(_ text: String?) -> String? {
            guard let text = text?.trimmingLineWhitespace, !text.isEmpty else { return nil }
            return text
        }
        self.role = role
        // An auditor may have a region (visits are assigned only inside it) and an employee
        // number (never sent to an outlet where that employee works); both are optional.
        self.regionPath = role == .regionManager || role == .auditor ? given(regionPath) : nil
        self.outletCode = role == .outletManager ? given(outletCode) : nil
        self.employeeNo = role == .staff || role == .auditor ? given(employeeNo) : nil
        self.agencyCode = role == .auditor || role == .agencyCoordinator ? given(agencyCode) : nil
        var problems: [Problem] = []
        if role == .regionManager && self.regionPath == nil {
            problems.append(Problem(path: "region", message: "a region manager needs a region path"))
        }
        if role == .outletManager && self.outletCode == nil {
            problems.append(Problem(path: "outlet", message: "an outlet manager needs an outlet code"))
        }
        if role == .staff && self.employeeNo == nil { problems.append(Problem(path: "employee", message: "a staff user needs an employee number")) }
        if role == .agencyCoordinator && self.agencyCode == nil {
            problems.append(Problem(path: "agency", message: "an agency coordinator needs an agency code"))
        }
        if let code = self.agencyCode,
            !code.unicodeScalars.allSatisfy({
                $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "_-.".unicodeScalars.contains($0))
            }) || code.count > 64
        {
            problems.append(Problem(path: "agency", message: "an agency code is 1 to 64 of A-Z, a-z, 0-9 and _ - ."))
        }
        if !problems.isEmpty { throw ValidationFailure(problems: problems) }
    }
}

extension Role {
    /// The role named `text` (`admin`, `region_manager`, …).
    /// - Throws: ``ValidationFailure`` at `path` listing the roles there are.
    public static func parse(_ text: String, path: String = "role") throws -> Role {
        guard let role = Role(rawValue: text.trimmingLineWhitespace) else {
            let known = Role.allCases.map(\.rawValue).joined(separator: ", ")
            throw ValidationFailure(path: path, message: "unknown role \"\(text)\": one of \(known)")
        }
        return role
    }
}

/// The rule that keeps a tenant administrable: the last active admin may not be disabled or
/// given another role (by themself or anyone), so the pages can never lock every admin out.
public enum AdminLockout {
    /// Why changing `login` to `role` and `disabled` is refused, or nil when it may go ahead.
    /// - Parameters:
    ///   - activeAdmins: the logins of the tenant's enabled admins before the change.
    ///   - actor: who makes the change (the message says "you" to a last admin changing themself).
    public static func refusal(
        changing login: String, toRole role: Role, disabled: Bool, activeAdmins: Set<String>,
        actor: String
    ) -> Problem? {
        guard activeAdmins.contains(login), role != .admin || disabled, activeAdmins.subtracting([login]).isEmpty else { return nil }
        let who = login == actor ? "you are" : "\(login) is"
        return disabled
            ? Problem(path: "disabled", message: "\(who) the last active admin: enable or add another admin first")
            : Problem(path: "role", message: "\(who) the last active admin: another admin is needed before this role can change")
    }
}
