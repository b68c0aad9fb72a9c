import Foundation
import Hummingbird
import TouchstoneCore
import TouchstoneStore

/// `/audits/{id}`: one audit's answers by section with points and critical flags, its evidence,
/// state history and disputes, with the review, dispute and decision forms the caller may use
/// (the audit API's roles: review and decide for admins, dispute for outlet managers and admins).
/// Evidence bytes are served at `/audits/{id}/evidence/{item}/{name}` within the same scope.
struct AuditPage {
    let database: Database
    let renderer: PageRenderer

    struct Transition: Sendable {
        let at: String
        let actor: String?
        let change: String
        let reason: String?
    }

    struct Dispute: Sendable {
        let item: String
        let reason: String
        let openedBy: String
        let state: String
        let open: Bool
        let decision: String?
        let action: String
    }

    struct View: Sendable {
        let card: AuditCard
        let template: String
        let auditor: String?
        let sections: AuditSectionsView
        let transitions: [Transition]
        let disputes: [Dispute]
        let canReview: Bool
        let canDispute: Bool
        let canDecide: Bool
        let disputableItems: [String]
        let reviewActions: [String]
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("audits/:id", use: page)
        group.get("audits/:id/evidence/:item/:name", use: evidence)
        group.post("audits/:id/review", use: review)
        group.post("audits/:id/disputes", use: dispute)
        group.post("audits/:id/disputes/:item/decision", use: decide)
    }

    @Sendable func page(_ request: Request, context: AppRequestContext) async throws -> Response {
        let record = try await AuditReads(database: database).record(context)
        let principal = try context.requirePrincipal()
        let labels = renderer.labels(request)
        let template = try await TemplateQueries.get(
            tenant: try context.requireTenant(), code: record.template, version: record.templateVersion, database: database)
        let state = { (state: AuditState?) in state.map { labels["audit_state_\($0.rawValue)"] ?? $0.rawValue } ?? "" }
        let view = View(
            card: AuditCard(record, labels: labels), template: "\(template.name) v\(template.version)", auditor: record.auditor,
            sections: AuditSectionsView(record: record, template: template, labels: labels),
            transitions: record.transitions.map {
                Transition(at: $0.at, actor: $0.actor, change: "\(state($0.from)) → \(state($0.to))", reason: $0.reason)
            },
            disputes: record.disputes.map { dispute in
                Dispute(
                    item: dispute.item, reason: dispute.reason, openedBy: dispute.openedBy, state: dispute.state, open: dispute.state == "open",
                    decision: dispute.decisionReason.map { "\(dispute.decidedBy ?? "") · \($0)" },
                    action: "/audits/\(record.id)/disputes/\(PageLinks.encode(dispute.item))/decision")
            },
            canReview: principal.may(.reviewAudits) && record.state == .submitted,
            canDispute: principal.may(.disputeAudits) && record.state == .released,
            canDecide: principal.may(.decideDisputes),
            disputableItems: record.items.filter { $0.possible != nil }.map(\.item),
            reviewActions: ReviewAction.allCases.map(\.rawValue))
        return renderer.page("audit", title: "audit_title", content: view, request: request, context: context)
    }

    @Sendable func evidence(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await AuditReads(database: database).evidence(context)
    }

    @Sendable func review(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await PageForm.checked(request, context: context)
        try context.require(.reviewAudits)
        let id = try context.parameters.require("id")
        guard let action = form["action"].flatMap(ReviewAction.init(rawValue:)) else {
            throw APIProblem.badRequest("Choose a review action.")
        }
        _ = try await AuditQueries.review(
            tenant: try context.requireTenant(), id: id, action: action, actor: try context.requirePrincipal().login,
            comment: form["comment"].flatMap { $0.isEmpty ? nil : $0 }, database: database)
        return PageResponse.redirect(to: "/audits/\(id)")
    }

    @Sendable func dispute(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await PageForm.checked(request, context: context)
        try context.require(.disputeAudits)
        let principal = try context.requirePrincipal()
        let id = try context.parameters.require("id")
        guard let item = form["item"], !item.isEmpty, let reason = form["reason"], !reason.isEmpty else {
            throw APIProblem.badRequest("Choose an item and give a reason.")
        }
        _ = try await AuditQueries.dispute(
            tenant: try context.requireTenant(), id: id, items: [DisputedItem(item: item, reason: reason)], actor: principal.login,
            scope: AuditScope(principal), database: database)
        return PageResponse.redirect(to: "/audits/\(id)")
    }

    @Sendable func decide(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await PageForm.checked(request, context: context)
        try context.require(.decideDisputes)
        let id = try context.parameters.require("id")
        let item = try context.parameters.require("item")
        guard let reason = form["reason"], !reason.isEmpty else { throw APIProblem.badRequest("Give a reason for the decision.") }
        _ = try await AuditQueries.decide(
            tenant: try context.requireTenant(), id: id, item: item.removingPercentEncoding ?? item, accept: form["decision"] == "accept",
            reason: reason, actor: try context.requirePrincipal().login, database: database)
        return PageResponse.redirect(to: "/audits/\(id)")
    }
}
