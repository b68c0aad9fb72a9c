import TouchstoneCore
import TouchstoneStore

/// Builds the ``Subject`` of a request for ``Principal/may(_:on:)``, looking up what the
/// caller's reach depends on (an outlet's region, for region managers) and nothing more.
struct SubjectLookup {
    let database: Database
    let tenant: Tenant
    let principal: Principal

    /// The outlet `code`; its region is read only when `action` reaches the caller's region.
    func outlet(_ code: String, for action: Action) async throws -> Subject {
        guard needsRegions(action) else { return .outlet(code, regionPath: nil) }
        let outlet = try await OutletQueries.get(tenant: tenant, code: code, database: database)
        return .outlet(code, regionPath: outlet.regionPath)
    }

    /// A person with the outlets they were ever assigned to.
    func employee(_ member: StaffMember, for action: Action) async throws -> Subject {
        var places: [Subject.Place] = []
        for code in Set(member.assignments.map(\.outlet)).sorted() {
            guard case .outlet(_, let regionPath) = try await outlet(code, for: action) else { continue }
            places.append(Subject.Place(outlet: code, regionPath: regionPath))
        }
        return .employee(member.employeeNo, assignedTo: places)
    }

    /// The subject of KPI results at `level` (a person's: without assignments, see ``Policy``).
    func kpiSubject(level: KPILevel, code: String) async throws -> Subject {
        switch level {
        case .tenant: .tenant
        case .region: .region(code)
        case .outlet: try await outlet(code, for: .readKPIs)
        case .staff: .employee(code, assignedTo: [])
        }
    }

    /// Requires the caller may read the KPI results of `code` at `level`; 404 otherwise.
    func requireKPIs(level: KPILevel, code: String) async throws {
        guard principal.may(.readKPIs, on: try await kpiSubject(level: level, code: code)) else {
            throw StoreError.notFound("\(level.rawValue) \(code)")
        }
    }

    private func needsRegions(_ action: Action) -> Bool {
        if case .region? = principal.reach(for: action) { true } else { false }
    }
}
