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
}
