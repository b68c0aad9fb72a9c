public import Foundation

/// What `ChainWriter.write` produced: row counts of each kind and the files' URLs.
public struct ChainSummary: Sendable, Hashable {
    /// Rows of outlets.csv.
    public var outlets = 0
    /// Distinct people in staff.csv.
    public var staff = 0
    /// Rows of staff.csv (a person who moved has two).
    public var staffRows = 0
    /// People transferred to another outlet during the month.
    public var transfers = 0
    /// People whose role changed during the month.
    public var roleChanges = 0
    /// Lines of audits.jsonl.
    public var audits = 0
    /// Answers over all audits (60 an audit).
    public var answers = 0
    /// Rows of surveys.csv.
    public var surveys = 0
    /// Rows of complaints.csv.
    public var complaints = 0
    /// KPI definitions in kpis.json.
    public var kpis = 0
    /// Plans written (plan0-adv.json, plan1-csh.json, plan2-mgr.json).
    public var plans = 0
    /// Total bytes written.
    public var bytes = 0
    /// The files written, by name.
    public var files = Files()

    /// The URLs of the chain's files, with `gen_chain.py`'s names.
    public struct Files: Sendable, Hashable {
        /// `TENANT`: the tenant code and a newline.
        public var tenant: URL?
        /// `outlets.csv`.
        public var outlets: URL?
        /// `staff.csv`.
        public var staff: URL?
        /// `template-nat.json`: the 60-item audit template `nat-visit` version 1.
        public var template: URL?
        /// `audits.jsonl`.
        public var audits: URL?
        /// `surveys.csv`.
        public var surveys: URL?
        /// `complaints.csv`.
        public var complaints: URL?
        /// `kpis.json`.
        public var kpis: URL?
        /// `plan0-adv.json`, `plan1-csh.json`, `plan2-mgr.json`, in that order.
        public var plans: [URL] = []

        /// Every file, in the order they are meant to be loaded (template before audits, KPIs before plans).
        public var all: [URL] {
            [tenant, outlets, staff, template, audits, surveys, complaints, kpis].compactMap { $0 } + plans
        }
    }
}

extension ChainSummary: CustomStringConvertible {
    /// One line, e.g. `40 outlets, 400 staff (418 rows: 10 transfers, 8 role changes), 80 audits (4800 answers), …`.
    public var description: String {
        "\(outlets) outlets, \(staff) staff (\(staffRows) rows: \(transfers) transfers, \(roleChanges) role changes), "
            + "\(audits) audits (\(answers) answers), \(surveys) survey responses, \(complaints) complaints, "
            + "\(kpis) KPIs, \(plans) plans, \(bytes) bytes"
    }
}
