public import Foundation

/// What `DemoChainWriter.write` produced.
public struct DemoChainSummary: Sendable, Hashable, CustomStringConvertible {
    /// The months, `YYYY-MM`, oldest first.
    public var periods: [String] = []
    /// Counts and files, as for a one-month chain (`roleChanges` counts promotions).
    public var chain = ChainSummary()
    /// Dealers whose quality rises, falls over the year.
    public var improving = 0
    public var declining = 0
    /// Disputes in `disputes.json`.
    public var disputes = 0
    /// `disputes.json`.
    public var disputesFile: URL?

    public var description: String {
        "\(periods.count) months \(periods.first ?? "")…\(periods.last ?? ""): \(chain); "
            + "\(improving) improving and \(declining) declining dealers, \(disputes) disputes"
    }
}

/// Writes the demo chain of a ``DemoChainSpec`` in the formats of formats.md.
public enum DemoChainWriter {
    /// Writes `TENANT`, `outlets.csv`, `staff.csv`, `template-dealer.json`, `audits.jsonl`,
    /// `surveys.csv`, `complaints.csv`, `kpis.json`, the three `plan-*.json` and `disputes.json`
    /// into `directory` (created if needed). The same spec gives byte-identical files.
    @discardableResult
    public static func write(_ spec: DemoChainSpec, to directory: URL) throws -> DemoChainSummary {
        let history = try DemoHistory(spec: spec)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        func url(_ name: String) -> URL { directory.appendingPathComponent(name, isDirectory: false) }
        var summary = DemoChainSummary()
        summary.periods = history.calendar.periods.map(\.text)
        summary.improving = history.profiles.filter { $0.course == .improving }.count
        summary.declining = history.profiles.filter { $0.course == .declining }.count
        var chain = ChainSummary()

        chain.files.tenant = url("TENANT")
        chain.bytes += try Definitions.write(spec.tenant + "\n", to: url("TENANT"))
        chain.files.outlets = url("outlets.csv")
        chain.bytes += try DemoStaffWriter.writeOutlets(history, to: url("outlets.csv"))
        chain.outlets = spec.outlets
        chain.files.staff = url("staff.csv")
        let staff = try DemoStaffWriter.writeStaff(history, to: url("staff.csv"))
        chain.staffRows = staff.rows
        chain.bytes += staff.bytes
        chain.staff = history.roster.people
        chain.transfers = history.roster.transfers
        chain.roleChanges = history.roster.promotions
        chain.files.template = url(DealerChecklist.fileName)
        chain.bytes += try Definitions.write(DealerChecklist.json, to: url(DealerChecklist.fileName))

        chain.files.audits = url("audits.jsonl")
        let audits = try DemoAuditWriter.write(history, to: url("audits.jsonl"))
        chain.audits = audits.audits
        chain.answers = audits.audits * DealerChecklist.items.filter(\.kind.isScored).count
        chain.bytes += audits.bytes
        chain.files.surveys = url("surveys.csv")
        let surveys = try DemoSurveyWriter.write(history, to: url("surveys.csv"))
        chain.surveys = surveys.rows
        chain.bytes += surveys.bytes
        chain.files.complaints = url("complaints.csv")
        let complaints = try DemoComplaintWriter.write(history, to: url("complaints.csv"))
        chain.complaints = complaints.rows
        chain.bytes += complaints.bytes

        chain.files.kpis = url("kpis.json")
        chain.bytes += try Definitions.write(DemoDefinitions.kpis, to: url("kpis.json"))
        chain.kpis = DemoDefinitions.kpiCount
        for plan in DemoDefinitions.plans {
            chain.files.plans.append(url(plan.file))
            chain.bytes += try Definitions.write(plan.json, to: url(plan.file))
        }
        chain.plans = DemoDefinitions.plans.count
        summary.disputesFile = url("disputes.json")
        let disputes = try DemoDisputes.write(audits.candidates, to: url("disputes.json"))
        summary.disputes = disputes.count
        chain.bytes += disputes.bytes
        summary.chain = chain
        return summary
    }
}
