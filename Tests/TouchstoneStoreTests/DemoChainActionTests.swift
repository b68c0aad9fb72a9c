import ChainGenerator
import Foundation
import Logging
import PQ
import Testing
import TouchstoneCore
import TouchstoneStore
import TouchstoneTestSupport

/// The demo chain loaded as `touchstone demo` loads it (``LoadedDemoChain``) opens the
/// corrective actions the rules say, each counted against an oracle computed here from the
/// stored documents (Core's rules), the KPI results and the complaints; loading it again (a
/// second `touchstone demo`) fails on nothing and opens nothing more.
@Suite struct DemoChainActionTests {
    @Test func theDemoOpensTheExpectedActions() async throws {
        let demo = try await LoadedDemoChain.shared.value
        let (database, tenant, summary) = (demo.database, demo.tenant, demo.summary)
        defer { try? FileManager.default.removeItem(at: demo.directory) }
        let logger = Logger(label: "touchstone.test")

        struct Oracle: Sendable {
            var audit = 0
            var autoVerified = 0
            var kpi = 0
            var complaint = 0
        }
        // The oracle: every released audit's findings from its document, in the order the import
        // released them; an audit passing an item verifies the open ones of its outlet from audits
        // visited before it.
        let expected = try await database.tenantTransaction(tenant, readOnly: true) { conn -> Oracle in
            var oracle = Oracle()
            var templates: [String: Template] = [:]
            for row in try conn.query("SELECT code, version, definition::text FROM templates") {
                let template = try Template.parse(json: Data(try row.decode(2, as: String.self).utf8))
                templates["\(try row.decode(0, as: String.self))/\(try row.decode(1, as: Int.self))"] = template
            }
            // outlet → (item, visit of the audit that opened it) of the open actions, in release order.
            var open: [String: [(item: String, visited: Date)]] = [:]
            // Released audits by id, and the order they were released in: the file's (one import).
            var released: [String: (outlet: String, template: String, visited: Date)] = [:]
            for row in try conn.query(
                "SELECT id::text, outlet_id::text, template_code || '/' || template_version, visited_at FROM audits WHERE released_at IS NOT NULL")
            {
                released[try row.decode(0, as: String.self)] = (
                    try row.decode(1, as: String.self), try row.decode(2, as: String.self), try row.decode(3, as: Date.self)
                )
            }
            let lines = try String(contentsOf: try #require(summary.chain.files.audits), encoding: .utf8).split(separator: "\n")
            for line in lines {
                let document = try AuditDocument.parse(json: Data(line.utf8))
                guard let audit = released[document.id.lowercased()] else { continue }
                let template = try #require(templates[audit.template])
                let score = AuditScoring.score(template: template, answers: document.answers)
                let passed = Set(CorrectiveActions.passedItems(score: score))
                let before = open[audit.outlet, default: []].count
                open[audit.outlet, default: []].removeAll { passed.contains($0.item) && $0.visited < audit.visited }
                oracle.autoVerified += before - open[audit.outlet, default: []].count
                let findings = CorrectiveActions.findings(template: template, score: score)
                oracle.audit += findings.count
                open[audit.outlet, default: []] += findings.map { (item: $0.item, visited: audit.visited) }
            }
            oracle.kpi = try conn.queryFirst("SELECT count(*) FROM kpi_results WHERE level = 'outlet' AND status = 'red'")!.decode(0, as: Int.self)
            for row in try conn.query("SELECT severity, opened_at, resolved_at FROM complaints") {
                let complaint = Complaint(
                    severity: Severity(rawValue: try row.decode(0, as: String.self))!, openedAt: try row.decode(1, as: Date.self),
                    resolvedAt: try row.decode(2, as: Date?.self))
                if CorrectiveActions.breached(complaint, policy: tenant.sla, asOf: Date()) { oracle.complaint += 1 }
            }
            return oracle
        }
        let actions = try await ActionQueries.list(tenant: tenant, filter: ActionFilter(limit: 100_000), database: database)
        let bySource = Dictionary(grouping: actions, by: \.source).mapValues(\.count)
        #expect(expected.audit > 0 && expected.kpi > 0 && expected.complaint > 0 && expected.autoVerified > 0)
        #expect(bySource[.audit] == expected.audit)
        #expect(bySource[.kpi] == expected.kpi)
        #expect(bySource[.complaint] == expected.complaint)
        #expect(bySource[.manual] == nil)
        #expect(actions.filter { $0.state == .verified && $0.source == .audit }.count == expected.autoVerified)

        // Loading and running every batch again opens nothing more.
        try await DemoChainLoad.run(summary, tenant: tenant, database: database, logger: logger)
        try await DemoChainLoad.runBatches(summary, tenant: tenant, database: database, logger: logger)
        #expect(try await ActionQueries.list(tenant: tenant, filter: ActionFilter(limit: 100_000), database: database).count == actions.count)
    }
}
