import Foundation
import Hummingbird
import TouchstoneCore
import TouchstoneStore

/// `/visits?period=&state=&region=&agency=&auditor=`: the visit plans of a period within the
/// caller's scope (head office all, an agency coordinator its agency's, an auditor its own),
/// filtered; callers who plan visits create one, cancel one and run the period's
/// auto-assignment, which shows each visit's auditor or why it stayed unassigned. No
/// JavaScript; every POST goes through ``PageForm/checked(_:context:)``.
struct VisitsPage {
    let database: Database
    let renderer: PageRenderer

    struct Row: Sendable {
        let id: String
        let outlet: String
        let region: String
        let template: String
        let window: String
        let auditor: String
        let agency: String
        let state: String
        let stateCode: String
        let reason: String
        let cancel: String?
    }

    struct Line: Sendable {
        let id: String
        let outlet: String
        let auditor: String?
        let reason: String?
    }

    struct Assignment: Sendable {
        let assigned: Int
        let unassigned: Int
        let expired: Int
        let lines: [Line]
    }

    /// The create form, filled with what was posted when it is shown again with its problems.
    struct Draft: Sendable {
        let id: String
        let outlet: String
        let template: String
        let templateVersion: String
        let windowFrom: String
        let windowTo: String
        let auditor: String
        let agency: String
        /// Whether the form offers the agency field (head office; a coordinator's is its own).
        let chooseAgency: Bool
    }

    struct View: Sendable {
        let period: String
        let states: [PageTable.Option]
        let region: String
        let agency: String
        let auditor: String
        let visits: [Row]
        let count: Int
        let draft: Draft?
        let canAssign: Bool
        let importLink: String?
        let assignment: Assignment?
        let notice: String?
        let errors: [String]
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("visits", use: list)
        group.post("visits", use: create)
        group.post("visits/assign", use: assign)
        group.post("visits/:id/cancel", use: cancel)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let notice = request.uri.queryParameters["done"].flatMap { renderer.labels(request)["visits_done_\($0)"] }
        return try await page(request, context: context, notice: notice)
    }

    /// Plans one visit (``VisitQueries/create(tenant:scope:visit:database:)``); its problems show on the form.
    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await PageForm.checked(request, context: context)
        let scope = try planScope(context)
        let period = form["period"] ?? ""
        do {
            guard let version = Int((form["templateVersion"] ?? "").trimmingLineWhitespace) else {
                throw ValidationFailure(path: "templateVersion", message: "a template version is a whole number from 1")
            }
            let visit = NewVisit(
                id: form["id"] ?? "", outlet: form["outlet"] ?? "", template: form["template"] ?? "", templateVersion: version,
                windowFrom: form["windowFrom"] ?? "", windowTo: form["windowTo"] ?? "", auditor: form["auditor"], agency: form["agency"])
            _ = try await VisitQueries.create(tenant: try context.requireTenant(), scope: scope, visit: visit, database: database)
        } catch {
            guard let (status, errors) = PageForm.problems(error) else { throw error }
            return try await page(request, context: context, period: period, form: form, errors: errors, status: status)
        }
        return PageResponse.redirect(to: "/visits?period=\(PageLinks.encode(period))&done=created")
    }

    /// Cancels one visit; a submitted or expired one shows why not.
    @Sendable func cancel(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await PageForm.checked(request, context: context)
        let scope = try planScope(context)
        let period = form["period"] ?? ""
        do {
            _ = try await VisitQueries.cancel(
                tenant: try context.requireTenant(), scope: scope, visitID: try context.parameters.require("id"), database: database)
        } catch {
            guard let (status, errors) = PageForm.problems(error) else { throw error }
            return try await page(request, context: context, period: period, errors: errors, status: status)
        }
        return PageResponse.redirect(to: "/visits?period=\(PageLinks.encode(period))&done=cancelled")
    }

    /// Runs the period's auto-assignment and shows what it did, visit by visit.
    @Sendable func assign(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await PageForm.checked(request, context: context)
        let scope = try planScope(context)
        let tenant = try context.requireTenant()
        let period = try Period.parse(form["period"] ?? "")
        let run = try await VisitQueries.assign(
            tenant: tenant, scope: scope, period: period, today: CivilDate(Date(), in: tenant.timeZone), database: database)
        let assignment = Assignment(
            assigned: run.assigned.count, unassigned: run.unassigned.count, expired: run.expired,
            lines: run.lines.map { Line(id: $0.visitID, outlet: $0.outlet, auditor: $0.auditor, reason: $0.reason) })
        return try await page(request, context: context, period: period.description, assignment: assignment)
    }

    private func planScope(_ context: AppRequestContext) throws -> VisitScope {
        let principal = try context.require(.planVisits)
        guard let scope = VisitScope(principal, for: .planVisits) else { throw APIProblem.forbidden() }
        return scope
    }

    /// The page of the period (`period`, else `?period=`, else the default period) with the query's filters.
    private func page(
        _ request: Request, context: AppRequestContext, period text: String? = nil, form: PageForm? = nil, assignment: Assignment? = nil,
        notice: String? = nil, errors: [String] = [], status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let principal = try context.require(.readVisits)
        guard let scope = VisitScope(principal, for: .readVisits) else { throw APIProblem.forbidden() }
        let tenant = try context.requireTenant()
        let labels = renderer.labels(request)
        let period: Period
        if let text, !text.isEmpty {
            period = try Period.parse(text)
        } else {
            period = try await PagePeriod.of(request, tenant: tenant, database: database)
        }
        let given = { (name: String) in PageTable.filter(request, name) }
        let state = given("state").flatMap(VisitState.init(rawValue:))
        let filter = VisitQueries.Filter(
            period: period, state: state, auditor: given("auditor"), agency: given("agency"), region: given("region"))
        let visits = try await VisitQueries.list(
            tenant: tenant, scope: scope, filter: filter, today: CivilDate(Date(), in: tenant.timeZone), database: database)
        let plans = principal.may(.planVisits)
        let planScope = VisitScope(principal, for: .planVisits)
        let rows = visits.map { visit in
            Row(
                id: visit.visitID, outlet: visit.outlet, region: visit.region ?? "", template: "\(visit.template) v\(visit.templateVersion)",
                window: "\(visit.windowFrom) – \(visit.windowTo)", auditor: visit.auditor ?? "", agency: visit.agency ?? "",
                state: labels["visit_state_\(visit.state.rawValue)"] ?? visit.state.rawValue, stateCode: visit.state.rawValue,
                reason: visit.unassignedReason ?? "",
                cancel: plans && visit.state.after(.cancel) != nil ? "/visits/\(PageLinks.encode(visit.visitID))/cancel" : nil)
        }
        let draft =
            plans
            ? Draft(
                id: form?["id"] ?? "", outlet: form?["outlet"] ?? "", template: form?["template"] ?? "",
                templateVersion: form?["templateVersion"] ?? "1", windowFrom: form?["windowFrom"] ?? period.firstDay.description,
                windowTo: form?["windowTo"] ?? period.lastDay.description, auditor: form?["auditor"] ?? "", agency: form?["agency"] ?? "",
                chooseAgency: !(planScope?.isAgency ?? true)) : nil
        let view = View(
            period: period.description,
            states: [PageTable.Option(value: "", label: labels["visits_all_states"] ?? "", selected: state == nil)]
                + VisitState.allCases.map {
                    PageTable.Option(value: $0.rawValue, label: labels["visit_state_\($0.rawValue)"] ?? $0.rawValue, selected: $0 == state)
                },
            region: filter.region ?? "", agency: filter.agency ?? "", auditor: filter.auditor ?? "", visits: rows, count: rows.count,
            draft: draft, canAssign: plans, importLink: principal.may(.importVisits) ? "/imports" : nil, assignment: assignment,
            notice: notice, errors: errors)
        return renderer.page("visits", title: "visits_title", content: view, request: request, context: context, status: status)
    }
}
