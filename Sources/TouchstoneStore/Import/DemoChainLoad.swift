public import ChainGenerator
import Foundation
public import Logging
public import TouchstoneCore

/// Loads a generated demo chain (``DemoChainWriter``) through the same imports a head office
/// uses, files its disputes as the dealers' managers and decides them as head office, then runs
/// the batch of every month (`touchstone demo`, and the store test of the demo).
public enum DemoChainLoad {
    /// One entry of `disputes.json`.
    struct Dispute: Decodable {
        let audit: String
        let outlet: String
        let item: String
        let reason: String
        let proposed: String
        let decision: String
    }

    /// Imports every file of `summary` and files its disputes; re-running changes nothing.
    public static func run(_ summary: DemoChainSummary, tenant: Tenant, database: Database, logger: Logger) async throws {
        let files = summary.chain.files
        for (kind, file) in [(ImportKind.outlets, files.outlets), (.staff, files.staff), (.surveys, files.surveys), (.complaints, files.complaints)] {
            guard let file else { continue }
            let report = try await importCSV(kind, file: file, tenant: tenant, database: database)
            logger.info("imported", metadata: ["kind": "\(kind.rawValue)", "rows": "\(report.rows)", "inserted": "\(report.inserted)"])
        }
        if let template = files.template {
            _ = try await TemplateQueries.add(tenant: tenant, json: try Data(contentsOf: template), database: database)
        }
        if let audits = files.audits {
            let report = try await AuditImport.run(tenant: tenant, file: audits, submittedBy: "demo-agency", database: database)
            logger.info("imported", metadata: ["kind": "audits", "rows": "\(report.rows)", "inserted": "\(report.inserted)"])
        }
        if let kpis = files.kpis {
            _ = try await KPIDefinitionQueries.define(tenant: tenant, json: try Data(contentsOf: kpis), database: database)
        }
        for plan in files.plans {
            _ = try await PlanQueries.add(tenant: tenant, json: try Data(contentsOf: plan), database: database)
        }
        if let disputes = summary.disputesFile {
            for dispute in try JSONDecoder().decode([Dispute].self, from: Data(contentsOf: disputes)) {
                try await file(dispute, tenant: tenant, database: database)
            }
        }
    }

    /// Disputes the item and decides it (unless the decision is `open`); an audit already
    /// disputed by an earlier run is left as it is.
    private static func file(_ dispute: Dispute, tenant: Tenant, database: Database) async throws {
        do {
            _ = try await AuditQueries.dispute(
                tenant: tenant, id: dispute.audit,
                items: [DisputedItem(item: dispute.item, reason: dispute.reason, proposedAnswer: .text(dispute.proposed))],
                actor: "manager \(dispute.outlet)", database: database)
        } catch StoreError.invalidState {
            return
        }
        guard dispute.decision != "open" else { return }
        let accept = dispute.decision == "accept"
        _ = try await AuditQueries.decide(
            tenant: tenant, id: dispute.audit, item: dispute.item, accept: accept,
            reason: accept ? "Evidence checked, the answer is corrected. / 证据属实，予以更正。" : "The visit record stands. / 以暗访记录为准。",
            actor: "admin", database: database)
    }

    /// The monthly batch (KPIs, then payouts) of every month of `summary`, oldest first, each
    /// judged as of the 5th of the next month; the last one is the demo's current period.
    public static func runBatches(_ summary: DemoChainSummary, tenant: Tenant, database: Database, logger: Logger) async throws {
        for text in summary.periods {
            let period = try Period.parse(text)
            let asOf = period.next.firstDay.adding(days: 4).start(in: tenant.timeZone)
            let job = try await BatchRunner.withPayouts.run(
                tenant: tenant, period: period, asOf: asOf, startedBy: "demo",
                progress: { logger.debug("batch: \($0)") }, database: database)
            logger.info(
                "batch done",
                metadata: [
                    "period": "\(period)", "kpiRows": "\(job.kpiRows ?? 0)", "payoutRows": "\(job.payoutRows ?? 0)",
                ])
        }
    }
}
