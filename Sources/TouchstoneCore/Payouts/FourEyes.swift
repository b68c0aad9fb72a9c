/// Four eyes on payroll (docs/payroll.md): the person who approves a period's payouts is not
/// the person who ran the batch that computed them, and a period with payouts is closed only
/// once every one of its payout rows is approved.
///
/// "Who ran" is the `started_by` of the batch run whose results the period holds now (a rerun
/// replaces the payouts and their approval). A run started on the web records the login; the
/// daemon's schedule records `schedule`, the command line `cli:<os user>` and the demo `demo`:
/// no head-office person ran those, so any head-office user may approve them. (A login that is
/// literally `schedule` or `demo` is refused on such a run: the rule errs on the side of a
/// second person.) The command line's own approval (`touchstone period approve`) is the
/// operator's, who holds the database's keys; it is outside the rule.
public enum FourEyes {
    /// Who approves.
    public enum Approver: Sendable, Hashable {
        /// A head-office user on the web (the pages or the API), by login.
        case person(String)
        /// The command line, by its change-log actor (`cli:<os user>`).
        case commandLine(String)

        /// The name stamped on the approved rows.
        public var name: String {
            switch self {
            case .person(let login), .commandLine(let login): login
            }
        }
    }

    /// Why `approver` may not approve `period`'s payouts, or nil when they may.
    /// - Parameter ranBy: the `started_by` of the run that computed the payouts; nil when no
    ///   run is recorded for them.
    public static func approvalRefusal(period: String, ranBy: String?, approver: Approver) -> String? {
        guard case .person(let login) = approver, let ranBy, ranBy == login else { return nil }
        return "Four eyes: \(login) ran the batch that computed the payouts of \(period), so another head-office user must approve them."
    }

    /// Why `period` may not be closed, or nil when it may: `unapproved` of its payout rows
    /// (adjustment rows included) carry no approval. A period without payouts closes as is.
    public static func closeRefusal(period: String, unapproved: Int) -> String? {
        guard unapproved > 0 else { return nil }
        return "Four eyes: \(unapproved) payout rows of \(period) are not approved; "
            + "a head-office user who did not run the batch must approve them before the period is closed."
    }
}
