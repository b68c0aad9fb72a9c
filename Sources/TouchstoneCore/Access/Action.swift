/// Everything a caller can ask the service to do, named once. ``Principal/may(_:)`` and
/// ``Principal/may(_:on:)`` decide which roles may take each (``Policy``).
public enum Action: String, Sendable, Hashable, CaseIterable {
    /// List or read outlets.
    case readOutlets
    /// Create or replace outlets.
    case manageOutlets
    /// List or read staff members with their assignments.
    case readStaff
    /// Create or replace staff members.
    case manageStaff
    /// List or read checklist templates.
    case readTemplates
    /// Add a template version.
    case defineTemplates
    /// Upload audits (single, batch) and their evidence.
    case uploadAudits
    /// List and read audits and their evidence (which audits: ``Reach``, applied in SQL).
    case readAudits
    /// Review a submitted audit (release, return, void).
    case reviewAudits
    /// Dispute items of a released audit.
    case disputeAudits
    /// Decide a dispute.
    case decideDisputes
    /// Read the KPI definitions.
    case readKPIDefinitions
    /// Define KPIs.
    case defineKPIs
    /// Read KPI results of a subject (trends, profiles, the page of an outlet or a person).
    case readKPIs
    /// Rank outlets or staff in a league table.
    case readLeague
    /// Read the early warnings (风险预警).
    case readWarnings
    /// The overview page of a tenant or region.
    case readOverview
    /// Run the monthly batch.
    case runBatch
    /// Read when the daemon runs the monthly batch by itself.
    case readBatchSchedule
    /// Read the batch runs.
    case readBatchRuns
    /// Read payouts and their explanations.
    case readPayouts
    /// Approve a period's payouts.
    case approvePeriod
    /// Close a period.
    case closePeriod
    /// Read the incentive plans.
    case readPlans
    /// Add a plan version.
    case definePlans
    /// Post survey and complaint rows.
    case importEvents
    /// Read the change log.
    case readChangeLog
    /// Export KPIs or payouts as CSV.
    case export
    /// List, add and disable users, set their role and scope, reset their passwords.
    case manageUsers
    /// Create and revoke users' API tokens.
    case manageTokens
    /// Change one's own page password.
    case changeOwnPassword
    /// List visit plans (an auditor: its own visits).
    case readVisits
    /// Plan visits (CSV import, one by hand), cancel them and auto-assign a period's visits
    /// (an agency coordinator: those of its agency's auditors).
    case planVisits
    /// Use the field form (`/field`): one's own visits, filled on the phone and sent as audits.
    case useFieldForm
    /// Plan many visits at once with the `visits` CSV import (head office: the import is not
    /// scoped to an agency).
    case importVisits
    /// Mark one's own visit started (an auditor).
    case startVisits
    /// The field summary of a period: visits planned, done and expired by region and agency, flagged audits.
    case readFieldSummary
    /// Register and remove webhooks, see their deliveries and redeliver (events.md).
    case manageWebhooks
    /// List and read corrective actions (an outlet manager: its outlet's; a region manager: its subtree's).
    case readActions
    /// Open a corrective action by hand.
    case openActions
    /// Work on an outlet's corrective action: start it, submit it with comment and evidence.
    case workOnActions
    /// Verify or reopen a submitted corrective action.
    case verifyActions
    /// Set the tenant's due days per action source and severity.
    case configureActions
    /// Create complaint cases and move them through their states (the call centre: head office).
    case handleComplaints
    /// List and read complaint cases with their transitions (a region manager, to whom cases
    /// are escalated: its subtree's).
    case readComplaints
}
