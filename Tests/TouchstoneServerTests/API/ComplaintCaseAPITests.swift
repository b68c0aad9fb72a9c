import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TouchstoneCore
import TouchstoneStore

/// Complaint cases through the API on a controlled clock: created by the call centre, escalated
/// at 75 % of the limit, breached, exactly one action.
@Suite("HTTP: complaint cases")
struct ComplaintCaseAPITests {
    @Test func aCaseEscalatesBreachesAndOpensOneAction() async throws {
        let app = try await TestApp.make()
        try await app.run { api in
            #expect(
                try await api.send(.post, "/api/v1/complaints/cases", as: "om1", json: ["outlet": "O1", "severity": "high"]).status == .forbidden)
            let made = try await api.send(.post, "/api/v1/complaints/cases", as: "admin", json: ["id": "CC1", "outlet": "O1", "severity": "high"])
            #expect(made.status == .created, "\(made.text)")
            #expect(made.json["state"] as? String == "received")
            let bad = try await api.send(.post, "/api/v1/complaints/CC1/transitions", as: "admin", json: ["to": "resolved"])
            #expect(bad.status == .unprocessableContent, "\(bad.text)")
            let assigned = try await api.send(.post, "/api/v1/complaints/CC1/transitions", as: "admin", json: ["to": "assigned", "assignee": "rm"])
            #expect(assigned.status == .ok, "\(assigned.text)")
            #expect(assigned.json["assignee"] as? String == "rm")

            let created = try #require(try await ComplaintCaseQueries.get(tenant: app.tenant, id: "CC1", database: app.database))
            let at = { (hours: Double) in created.openedAt.addingTimeInterval(hours * 3600) }
            #expect(try await ComplaintCaseQueries.sweep(tenant: app.tenant, now: at(17), database: app.database) == 0)
            #expect(try await ComplaintCaseQueries.sweep(tenant: app.tenant, now: at(18), database: app.database) == 1)
            #expect(try await ComplaintCaseQueries.sweep(tenant: app.tenant, now: at(19), database: app.database) == 0)
            let events = try await OutboxQueries.events(tenant: app.tenant, database: app.database).filter { $0.type == "complaint.escalated" }
            #expect(events.map(\.subject) == ["CC1"])
            #expect(events.first?.body.contains("\"region\":") == true)
            var actions = try await ActionQueries.list(
                tenant: app.tenant, filter: ActionFilter(source: .complaint), asOf: at(30), database: app.database)
            #expect(actions.isEmpty)
            _ = try await ComplaintCaseQueries.sweep(tenant: app.tenant, now: at(24), database: app.database)
            _ = try await ComplaintCaseQueries.sweep(tenant: app.tenant, now: at(30), database: app.database)
            actions = try await ActionQueries.list(tenant: app.tenant, filter: ActionFilter(source: .complaint), asOf: at(30), database: app.database)
            #expect(actions.map(\.complaint) == ["CC1"])
            let log = try await ComplaintCaseQueries.transitions(tenant: app.tenant, id: "CC1", database: app.database)
            #expect(log.map(\.to) == ["received", "assigned", "assigned"])
            #expect(log.map(\.actor) == ["admin", "admin", "system"])
        }
    }

    /// A customer not satisfied at the callback reopens the case: back to assigned, unresolved
    /// again. Past its deadline, the sweep after the transition (of that case only) escalates it
    /// once and opens its one action; the next resolution stamps resolved_at again.
    @Test func anUnsatisfiedCallbackReopensTheCase() async throws {
        let app = try await TestApp.make()
        try await app.run { api in
            // Opened 30 h ago (high: 24 h limit), answered at 1 h and resolved at 17 h, before its
            // escalation point (18 h): never escalated, not breached.
            let t0 = Date().addingTimeInterval(-30 * 3600)
            let at = { (hours: Double) in t0.addingTimeInterval(hours * 3600) }
            for id in ["CC2", "OTHER"] {
                _ = try await ComplaintCaseQueries.create(
                    tenant: app.tenant, id: id, outlet: "O1", severity: .high, comment: nil, actor: "admin", now: t0, database: app.database)
            }
            for (to, hours) in [(CaseState.firstResponse, 1.0), (.resolved, 17)] {
                _ = try await ComplaintCaseQueries.transition(
                    tenant: app.tenant, id: "CC2", to: to, satisfied: nil, assignee: nil, comment: nil, actor: "admin", now: at(hours),
                    database: app.database)
            }
            let called = try await api.send(.post, "/api/v1/complaints/CC2/transitions", as: "admin", json: ["to": "callback", "satisfied": false])
            #expect(called.status == .ok, "\(called.text)")
            #expect(called.json["state"] as? String == "assigned")
            #expect(called.json["resolvedAt"] == nil, "unresolved again")
            #expect(called.json["satisfied"] as? Bool == false)
            #expect(called.json["escalatedAt"] != nil, "unresolved past its escalation point: escalated")
            // The transition's sweep looked at CC2 only: OTHER (breached, never swept) has neither
            // an escalation nor an action yet.
            func complaintActions() async throws -> [String?] {
                try await ActionQueries.list(tenant: app.tenant, filter: ActionFilter(source: .complaint), database: app.database).map(\.complaint)
            }
            #expect(try await complaintActions() == ["CC2"])
            var escalated = try await OutboxQueries.events(tenant: app.tenant, database: app.database).filter { $0.type == "complaint.escalated" }
            #expect(escalated.map(\.subject) == ["CC2"])
            // The tenant's sweep: OTHER now; CC2 is not escalated nor actioned twice.
            #expect(try await ComplaintCaseQueries.sweep(tenant: app.tenant, now: Date(), database: app.database) == 1)
            #expect(try await complaintActions().sorted { ($0 ?? "") < ($1 ?? "") } == ["CC2", "OTHER"])
            escalated = try await OutboxQueries.events(tenant: app.tenant, database: app.database).filter { $0.type == "complaint.escalated" }
            #expect(escalated.map(\.subject).sorted() == ["CC2", "OTHER"])

            // A reopened case cannot be closed: it must be resolved again, which stamps resolved_at anew.
            let early = try await api.send(.post, "/api/v1/complaints/CC2/transitions", as: "admin", json: ["to": "closed"])
            #expect(early.status == .unprocessableContent, "\(early.text)")
            _ = try await api.send(.post, "/api/v1/complaints/CC2/transitions", as: "admin", json: ["to": "first_response"])
            let resolved = try await api.send(.post, "/api/v1/complaints/CC2/transitions", as: "admin", json: ["to": "resolved"])
            #expect(resolved.json["state"] as? String == "resolved", "\(resolved.text)")
            let again = try #require(try await ComplaintCaseQueries.get(tenant: app.tenant, id: "CC2", database: app.database))
            #expect(try #require(again.resolvedAt) > at(29), "resolved_at is the final resolution, not the first (17 h)")
            #expect(
                ComplaintCases.breached(severity: .high, openedAt: again.openedAt, resolvedAt: again.resolvedAt, sla: app.tenant.sla, now: Date()))
            let satisfied = try await api.send(.post, "/api/v1/complaints/CC2/transitions", as: "admin", json: ["to": "callback", "satisfied": true])
            #expect(satisfied.json["state"] as? String == "callback")
            let closed = try await api.send(.post, "/api/v1/complaints/CC2/transitions", as: "admin", json: ["to": "closed"])
            #expect(closed.json["state"] as? String == "closed", "\(closed.text)")
            #expect(try await complaintActions().count == 2, "still one action per complaint")

            let log = try await ComplaintCaseQueries.transitions(tenant: app.tenant, id: "CC2", database: app.database)
            #expect(
                log.map { "\($0.from ?? "-")>\($0.to)" } == [
                    "->received", "received>first_response", "first_response>resolved", "resolved>callback", "callback>assigned",
                    "assigned>assigned", "assigned>first_response", "first_response>resolved", "resolved>callback", "callback>closed",
                ])
            #expect(log[3].comment == "not satisfied")
            #expect(log[4].comment == "reopened: the customer is not satisfied")
            #expect(log[5].actor == "system")
            #expect(log[8].comment == "satisfied")
        }
    }

    /// The same complaints imported and worked as cases give the same complaint KPIs.
    @Test func theComplaintKPIsAreTheSameFromCasesAsFromImports() async throws {
        let app = try await TestApp.make()
        try await app.run { api in
            let t0 = Date(timeIntervalSince1970: TimeInterval(Int(Date().timeIntervalSince1970) / 60 * 60 - 100 * 3600))
            // (severity, first response after h hours, resolved after h hours)
            let data: [(Severity, Double, Double?)] = [(.high, 2, 20), (.high, 5, 30), (.medium, 1, nil), (.low, 3, 80)]
            let text = { (d: Date) in Instant.format(d, in: app.tenant.timeZone) }
            let rows = data.enumerated().map { i, d -> [String: Any] in
                var row: [String: Any] = [
                    "complaint_id": "IMP\(i)", "outlet_code": "O1", "severity": d.0.rawValue, "opened_at": text(t0),
                    "first_response_at": text(t0.addingTimeInterval(d.1 * 3600)),
                ]
                if let r = d.2 { row["resolved_at"] = text(t0.addingTimeInterval(r * 3600)) }
                return row
            }
            let posted = try await api.send(.post, "/api/v1/complaints", as: "admin", json: ["rows": rows])
            #expect(posted.status == .ok, "\(posted.text)")
            for (i, d) in data.enumerated() {
                let id = "CASE\(i)"
                _ = try await ComplaintCaseQueries.create(
                    tenant: app.tenant, id: id, outlet: "O1", severity: d.0, comment: nil, actor: "admin", now: t0, database: app.database)
                _ = try await ComplaintCaseQueries.transition(
                    tenant: app.tenant, id: id, to: .firstResponse, satisfied: nil, assignee: nil, comment: nil, actor: "admin",
                    now: t0.addingTimeInterval(d.1 * 3600), database: app.database)
                if let r = d.2 {
                    _ = try await ComplaintCaseQueries.transition(
                        tenant: app.tenant, id: id, to: .resolved, satisfied: nil, assignee: nil, comment: nil, actor: "admin",
                        now: t0.addingTimeInterval(r * 3600), database: app.database)
                }
            }
            func complaints(_ prefix: String) async throws -> [Complaint] {
                var out: [Complaint] = []
                for i in data.indices {
                    let c = try #require(try await ComplaintCaseQueries.get(tenant: app.tenant, id: "\(prefix)\(i)", database: app.database))
                    out.append(Complaint(severity: c.severity, openedAt: c.openedAt, firstResponseAt: c.firstResponseAt, resolvedAt: c.resolvedAt))
                }
                return out
            }
            let imported = try await complaints("IMP")
            let cases = try await complaints("CASE")
            #expect(imported == cases)
            let asOf = t0.addingTimeInterval(99 * 3600)
            #expect(
                ComplaintMetrics.slaRate(imported, policy: app.tenant.sla, asOf: asOf)
                    == ComplaintMetrics.slaRate(cases, policy: app.tenant.sla, asOf: asOf))
            #expect(ComplaintMetrics.slaRate(cases, policy: app.tenant.sla, asOf: asOf)?.n == 4)
            #expect(ComplaintMetrics.firstResponseP50(imported) == ComplaintMetrics.firstResponseP50(cases))
            #expect(ComplaintMetrics.count(imported) == ComplaintMetrics.count(cases))
            // The imported ones take part in the workflow from the state their times give.
            #expect(try await ComplaintCaseQueries.get(tenant: app.tenant, id: "IMP2", database: app.database)?.state == .firstResponse)
            let next = try await api.send(.post, "/api/v1/complaints/IMP2/transitions", as: "admin", json: ["to": "resolved"])
            #expect(next.json["state"] as? String == "resolved", "\(next.text)")
        }
    }
}
