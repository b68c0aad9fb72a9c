public import Foundation

/// Writes a generated chain as files in the formats of formats.md, with gen_chain.py's file names.
///
/// ```swift
/// let summary = try ChainWriter.write(.demo, to: URL(fileURLWithPath: "/tmp/demo-chain"))
/// for file in summary.files.all { … load it … }
/// ```
public enum ChainWriter {
    /// Writes `TENANT`, `outlets.csv`, `staff.csv`, `template-nat.json`, `audits.jsonl`,
    /// `surveys.csv`, `complaints.csv`, `kpis.json`, `plan0-adv.json`, `plan1-csh.json` and
    /// `plan2-mgr.json` into `directory` (created if needed; existing files of those names are
    /// replaced, others are left alone).
    ///
    /// Every file is streamed through a ~1 MB buffer, so memory stays bounded at any size
    /// (the only per-chain state is two bytes per staff member). The same spec gives
    /// byte-identical files on every machine. All instants are inside `spec.period` in +08:00.
    ///
    /// - Throws: `ChainGeneratorError.invalidSpec` for a spec out of range, or the file system's error.
    @discardableResult
    public static func write(_ spec: ChainSpec, to directory: URL) throws -> ChainSummary {
        try spec.validate()
        guard let period = Period(spec.period) else { throw ChainGeneratorError.invalidSpec("period") }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let tree = OrgTree(outlets: spec.outlets)
        let roster = Roster(spec: spec, period: period)
        var summary = ChainSummary()
        func url(_ name: String) -> URL { directory.appendingPathComponent(name, isDirectory: false) }

        let tenantURL = url("TENANT")
        summary.bytes += try Definitions.write(spec.tenant + "\n", to: tenantURL)
        summary.files.tenant = tenantURL

        let outletsURL = url("outlets.csv")
        summary.bytes += try OutletWriter.write(spec: spec, period: period, tree: tree, to: outletsURL)
        summary.outlets = spec.outlets
        summary.files.outlets = outletsURL

        let staffURL = url("staff.csv")
        let (staff, staffBytes) = try StaffWriter.write(spec: spec, period: period, roster: roster, to: staffURL)
        summary.staff = staff.people
        summary.staffRows = staff.rows
        summary.transfers = staff.transfers
        summary.roleChanges = staff.roleChanges
        summary.bytes += staffBytes
        summary.files.staff = staffURL

        let templateURL = url(Template.fileName)
        summary.bytes += try Definitions.write(Template.json, to: templateURL)
        summary.files.template = templateURL

        let auditsURL = url("audits.jsonl")
        let audits = try AuditWriter.write(spec: spec, period: period, roster: roster, to: auditsURL)
        summary.audits = audits.audits
        summary.answers = audits.answers
        summary.bytes += audits.bytes
        summary.files.audits = auditsURL

        let surveysURL = url("surveys.csv")
        let surveys = try SurveyWriter.write(spec: spec, period: period, roster: roster, to: surveysURL)
        summary.surveys = surveys.rows
        summary.bytes += surveys.bytes
        summary.files.surveys = surveysURL

        let complaintsURL = url("complaints.csv")
        let complaints = try ComplaintWriter.write(spec: spec, period: period, roster: roster, to: complaintsURL)
        summary.complaints = complaints.rows
        summary.bytes += complaints.bytes
        summary.files.complaints = complaintsURL

        let kpisURL = url("kpis.json")
        summary.bytes += try Definitions.write(Definitions.kpis, to: kpisURL)
        summary.kpis = Definitions.kpiCount
        summary.files.kpis = kpisURL

        for plan in Definitions.plans {
            let planURL = url(plan.file)
            summary.bytes += try Definitions.write(plan.json, to: planURL)
            summary.files.plans.append(planURL)
        }
        summary.plans = Definitions.plans.count
        return summary
    }
}
