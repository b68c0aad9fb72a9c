import Foundation
import PQ
public import TouchstoneCore

/// Visits planned, cancelled and started one at a time (the API and the visits page).
extension VisitQueries {
    /// Plans one visit within `scope`, with the checks of the `visits` CSV import: the outlet,
    /// the template version and the auditor (an enabled user with role auditor) must exist, the
    /// window must not end before it starts, and the id must be new. An agency coordinator's
    /// visit is planned for its agency, and its auditor must be one of the agency's; head
    /// office may name an agency, and then the auditor must be of it.
    /// - Throws: ``StoreError/invalid(_:)`` naming each field (`id`, `outlet`, `template`,
    ///   `templateVersion`, `windowFrom`, `windowTo`, `auditor`, `agency`); ``StoreError/conflict(_:)`` for an id in use.
    public static func create(tenant: Tenant, scope: VisitScope = .all, visit: NewVisit, database: Database) async throws -> VisitRecord {
        func given(_ text: String?) -> String? {
            guard let text = text?.trimmingLineWhitespace, !text.isEmpty else { return nil }
            return text
        }
        var problems: [Problem] = []
        let id = visit.id.trimmingLineWhitespace
        if id.isEmpty { problems.append(Problem(path: "id", message: "a visit needs an id")) }
        if visit.templateVersion < 1 || visit.templateVersion > Int(Int32.max) {
            problems.append(Problem(path: "templateVersion", message: "a template version is a whole number from 1"))
        }
        let from = CivilDate(visit.windowFrom.trimmingLineWhitespace)
        let to = CivilDate(visit.windowTo.trimmingLineWhitespace)
        if from == nil { problems.append(Problem(path: "windowFrom", message: "\(visit.windowFrom) is not a date (YYYY-MM-DD)")) }
        if to == nil { problems.append(Problem(path: "windowTo", message: "\(visit.windowTo) is not a date (YYYY-MM-DD)")) }
        if let from, let to, to < from { problems.append(Problem(path: "windowTo", message: "windowTo is before windowFrom")) }
        let auditor = given(visit.auditor)
        let askedAgency = given(visit.agency)
        if let agency = askedAgency,
            !agency.unicodeScalars.allSatisfy({
                $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "_-.".unicodeScalars.contains($0))
            }) || agency.count > 64
        {
            problems.append(Problem(path: "agency", message: "an agency code is 1 to 64 of A-Z, a-z, 0-9 and _ - ."))
        }
        guard problems.isEmpty, let from, let to else { throw StoreError.invalid(problems) }
        let outlet = visit.outlet.trimmingLineWhitespace
        let template = visit.template.trimmingLineWhitespace
        return try await database.tenantTransaction(tenant) { conn in
            var agency = askedAgency
            if scope.isAgency {
                let coordinated = try conn.queryFirst("SELECT app_coordinator_agency(\(scope.value)) AS agency")
                guard let own = try coordinated?.decode("agency", as: String?.self) else {
                    throw StoreError.forbidden("you coordinate no agency")
                }
                if let asked = agency, asked != own {
                    throw StoreError.invalid([Problem(path: "agency", message: "you plan visits for agency \(own) only")])
                }
                agency = own
            }
            var problems: [Problem] = []
            if try conn.queryFirst("SELECT 1 FROM outlets WHERE code = \(outlet)") == nil {
                problems.append(Problem(path: "outlet", message: "unknown outlet \(outlet)"))
            }
            if try conn.queryFirst("SELECT 1 FROM templates WHERE code = \(template) AND version = \(visit.templateVersion)") == nil {
                problems.append(
                    Problem(path: "templateVersion", message: "unknown template \(template) version \(visit.templateVersion)"))
            }
            if let auditor {
                let row = try conn.queryFirst("SELECT agency_code FROM users WHERE login = \(auditor) AND role = 'auditor' AND NOT disabled")
                if row == nil {
                    problems.append(
                        Problem(path: "auditor", message: "unknown auditor \(auditor) (no enabled user with role auditor has this login)"))
                } else if let agency, try row!.decode("agency_code", as: String?.self) != agency {
                    problems.append(Problem(path: "auditor", message: "auditor \(auditor) is not of agency \(agency)"))
                }
            }
            if !problems.isEmpty { throw StoreError.invalid(problems) }
            if try conn.queryFirst("SELECT 1 FROM visits WHERE visit_id = \(id)") != nil {
                throw StoreError.conflict("visit \(id) already exists")
            }
            try conn.execute(
                """
                INSERT INTO visits (tenant_id, visit_id, outlet_id, template_code, template_version, window_from, window_to,
                                    auditor, state, agency_code)
                SELECT app_current_tenant(), \(id), o.id, \(template), \(visit.templateVersion), \(from.description)::date,
                       \(to.description)::date, \(auditor), \(auditor == nil ? "planned" : "assigned"), \(agency)
                FROM outlets o WHERE o.code = \(outlet)
                """)
            return try get(conn, scope: .all, visitID: id)
        }
    }

    /// Cancels visit `visitID` within `scope` (``VisitEvent/cancel``); cancelling a cancelled
    /// visit again changes nothing.
    /// - Throws: ``StoreError/notFound(_:)`` outside the scope, ``StoreError/invalidState(_:)``
    ///   for a submitted or expired visit.
    public static func cancel(tenant: Tenant, scope: VisitScope = .all, visitID: String, database: Database) async throws -> VisitRecord {
        try await change(tenant: tenant, scope: scope, visitID: visitID, event: .cancel, database: database)
    }

    /// Marks visit `visitID` of auditor `login` started (``VisitEvent/start``): `in_progress`,
    /// idempotent. Visits whose window ended before `today` expire first, so an ended visit
    /// cannot be started.
    /// - Throws: ``StoreError/notFound(_:)`` for a visit that is not the auditor's,
    ///   ``StoreError/invalidState(_:)`` for a submitted, expired or cancelled one.
    public static func start(
        tenant: Tenant, auditor login: String, visitID: String, today: CivilDate, database: Database
    ) async throws
        -> VisitRecord
    {
        try await change(tenant: tenant, scope: .auditor(login), visitID: visitID, event: .start, today: today, database: database)
    }

    private static func change(
        tenant: Tenant, scope: VisitScope, visitID: String, event: VisitEvent, today: CivilDate? = nil, database: Database
    ) async throws -> VisitRecord {
        try await database.tenantTransaction(tenant) { conn in
            if let today { _ = try expire(conn, today: today) }
            let visit = try get(conn, scope: scope, visitID: visitID, lock: true)
            guard let next = visit.state.after(event) else {
                if event == .cancel && visit.state == .cancelled { return visit }
                let verb = event == .cancel ? "cancelled" : "started"
                throw StoreError.invalidState(
                    "visit \(visitID) is \(visit.state.rawValue.replacingOccurrences(of: "_", with: " ")) and cannot be \(verb)")
            }
            if next != visit.state {
                try conn.execute("UPDATE visits SET state = \(next.rawValue), updated_at = now() WHERE visit_id = \(visitID)")
            }
            return try get(conn, scope: .all, visitID: visitID)
        }
    }
}
