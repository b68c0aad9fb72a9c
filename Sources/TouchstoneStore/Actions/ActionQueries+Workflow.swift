public import Foundation
import PQ
public import TouchstoneCore

/// What a caller asks to open by hand.
public struct ManualAction: Sendable, Hashable {
    public var outlet: String
    public var title: String
    public var severity: Severity
    /// Defaults to the outlet's manager.
    public var owner: String?
    /// Defaults to the tenant's due days for manual actions of this severity.
    public var dueAt: Date?

    public init(outlet: String, title: String, severity: Severity = .medium, owner: String? = nil, dueAt: Date? = nil) {
        self.outlet = outlet
        self.title = title
        self.severity = severity
        self.owner = owner
        self.dueAt = dueAt
    }
}

extension ActionQueries {
    /// Opens an action by hand on `manual.outlet`; `allowed` says whether the caller may open one
    /// on that outlet (its region path looked up here), else the outlet is not found.
    public static func open(
        tenant: Tenant, _ manual: ManualAction, actor: String, now: Date = Date(),
        allowed: @escaping @Sendable (Subject) -> Bool = { _ in true }, database: Database
    ) async throws -> ActionRecord {
        var problems: [Problem] = []
        let title = manual.title.trimmingLineWhitespace
        if title.isEmpty { problems.append(Problem(path: "title", message: "a title is required")) }
        if let due = manual.dueAt, due <= now { problems.append(Problem(path: "dueAt", message: "must be in the future")) }
        guard problems.isEmpty else { throw StoreError.invalid(problems) }
        return try await database.tenantTransaction(tenant) { conn in
            guard
                case let (outletID, regionPath)? = try conn.queryFirst(
                    """
                    SELECT o.id, r.path FROM outlets o JOIN regions r ON r.tenant_id = o.tenant_id AND r.id = o.region_id
                    WHERE o.code = \(manual.outlet)
                    """)?.decode((Int64, String).self),
                allowed(.outlet(manual.outlet, regionPath: regionPath))
            else { throw StoreError.invalid([Problem(path: "outlet", message: "unknown outlet \(manual.outlet)")]) }
            if let owner = manual.owner, try conn.queryFirst("SELECT 1 FROM users WHERE login = \(owner) AND NOT disabled") == nil {
                throw StoreError.invalid([Problem(path: "owner", message: "unknown user \(owner)")])
            }
            let defaultDue = try dueDays(conn).due(.manual, manual.severity, openedAt: now)
            let due = manual.dueAt ?? defaultDue
            guard
                let row = try conn.queryFirst(
                    """
                    WITH opened AS (
                        INSERT INTO actions (tenant_id, outlet_id, source, severity, title, owner, opened_at, opened_by, due_at)
                        SELECT app_current_tenant(), \(outletID), 'manual', \(manual.severity.rawValue), \(title),
                               coalesce(\(manual.owner), \(unsafeRaw: ownerOf("o"))), \(now)::timestamptz, \(actor), \(due)::timestamptz
                        FROM outlets o WHERE o.code = \(manual.outlet)
                        RETURNING tenant_id, id, opened_at, opened_by)
                    INSERT INTO action_transitions (tenant_id, action_id, seq, at, actor, from_state, to_state, comment)
                    SELECT tenant_id, id, 1, opened_at, opened_by, NULL, 'open', 'opened by hand' FROM opened
                    RETURNING action_id
                    """)
            else { throw StoreError.conflict("the action was not opened") }
            let id = try row.decode(Int64.self)
            try ActionEventHook.opened(conn, ids: [id])
            return try get(conn, id: id, within: ActionFilter(), asOf: now)
        }
    }

    /// Takes `step` on action `id` (within `filter`, else not found): checks the state machine,
    /// the comment the step needs, and `allowed` (whether the caller may take the step's
    /// permission on the action's outlet; else 404 as for an action outside its reach). Evidence
    /// is stored with the step (only `submit` takes evidence).
    public static func transition(
        tenant: Tenant, id: Int64, step: ActionStep, comment: String?, evidence: [ActionPhoto] = [], actor: String,
        within filter: ActionFilter = ActionFilter(), now: Date = Date(),
        allowed: @escaping @Sendable (Action, Subject) -> Bool = { _, _ in true }, database: Database
    ) async throws -> ActionRecord {
        let comment = comment?.trimmingLineWhitespace.nilIfEmpty
        var problems: [Problem] = []
        if step == .autoVerify { problems.append(Problem(path: "step", message: "auto_verify is taken by the system only")) }
        if step.needsComment && comment == nil { problems.append(Problem(path: "comment", message: "\(step.rawValue) needs a comment")) }
        if !evidence.isEmpty && step != .submit { problems.append(Problem(path: "evidence", message: "evidence goes with submit only")) }
        for (i, photo) in evidence.enumerated() {
            if photo.name.trimmingLineWhitespace.isEmpty { problems.append(Problem(path: "evidence[\(i)].name", message: "a name is required")) }
            if let problem = EvidenceContentType.problem(photo.contentType) {
                problems.append(Problem(path: "evidence[\(i)].contentType", message: problem))
            }
            if photo.content.isEmpty { problems.append(Problem(path: "evidence[\(i)]", message: "the file is empty")) }
            if photo.content.count > maxEvidenceBytes {
                problems.append(Problem(path: "evidence[\(i)]", message: "larger than \(maxEvidenceBytes / (1 << 20)) MiB"))
            }
        }
        if Set(evidence.map(\.name)).count != evidence.count { problems.append(Problem(path: "evidence", message: "names must differ")) }
        guard problems.isEmpty else { throw StoreError.invalid(problems) }
        return try await database.tenantTransaction(tenant) { conn in
            let current = try get(conn, id: id, within: filter, asOf: now)
            guard let permission = step.permission, allowed(permission, .outlet(current.outlet, regionPath: current.region)) else {
                throw StoreError.notFound("action \(id)")
            }
            _ = try conn.queryFirst("SELECT 1 FROM actions WHERE id = \(id) FOR UPDATE")
            let state = try get(conn, id: id, within: filter, asOf: now).state
            guard let next = state.after(step) else {
                throw StoreError.invalidState(
                    "action \(id) is \(state.rawValue.replacingOccurrences(of: "_", with: " ")); it cannot be \(step.pastTense)")
            }
            for photo in evidence {
                let content = photo.content
                try conn.execute(
                    """
                    INSERT INTO action_evidence (tenant_id, action_id, name, sha256, content_type, size, content, added_by, added_at)
                    VALUES (app_current_tenant(), \(id), \(photo.name.trimmingLineWhitespace), \(Hashing.sha256Hex(content)),
                            \(EvidenceContentType.mediaType(photo.contentType)), \(content.count), \(content), \(actor), \(now)::timestamptz)
                    ON CONFLICT (tenant_id, action_id, name) DO UPDATE
                    SET sha256 = EXCLUDED.sha256, content_type = EXCLUDED.content_type, size = EXCLUDED.size, content = EXCLUDED.content,
                        added_by = EXCLUDED.added_by, added_at = EXCLUDED.added_at
                    """)
            }
            try move(conn, ids: [id], from: [state], to: next, actor: actor, comments: [comment], at: now)
            if next == .verified { try ActionEventHook.verified(conn, ids: [id]) }
            return try get(conn, id: id, within: filter, asOf: now)
        }
    }

    /// Moves actions `ids` (each from its `from` state) to `to` and records every transition,
    /// each with its comment.
    static func move(
        _ conn: PQConnection, ids: [Int64], from: [ActionState], to: ActionState, actor: String, comments: [String?], at: Date
    ) throws {
        guard !ids.isEmpty else { return }
        try conn.execute(
            """
            WITH moved AS (
                UPDATE actions SET state = \(to.rawValue), updated_at = \(at)::timestamptz,
                       verified_at = CASE WHEN \(to.rawValue) = 'verified' THEN \(at)::timestamptz END
                WHERE id = ANY(\(ids)::bigint[]) RETURNING tenant_id, id)
            INSERT INTO action_transitions (tenant_id, action_id, seq, at, actor, from_state, to_state, comment)
            SELECT moved.tenant_id, moved.id, (SELECT max(t.seq) + 1 FROM action_transitions t WHERE t.action_id = moved.id),
                   \(at)::timestamptz, \(actor), x.from_state, \(to.rawValue), x.comment
            FROM moved JOIN unnest(\(ids)::bigint[], \(from.map(\.rawValue))::text[], \(comments)::text[]) AS x(id, from_state, comment)
                 ON x.id = moved.id
            """)
    }

    // MARK: Due days

    /// The tenant's due days (its settings over the defaults).
    public static func dueDays(tenant: Tenant, database: Database) async throws -> ActionDueDays {
        try await database.tenantTransaction(tenant, readOnly: true) { conn in try dueDays(conn) }
    }

    static func dueDays(_ conn: PQConnection) throws -> ActionDueDays {
        let rows = try conn.query("SELECT source, severity, days FROM action_settings").map { row in
            let (source, severity, days) = try row.decode((String, String, Int).self)
            return (source: ActionSource(rawValue: source)!, severity: Severity(rawValue: severity)!, days: days)
        }
        return try ActionDueDays(overrides: rows)
    }

    /// Sets due days for some source × severity pairs (the others keep theirs).
    /// - Throws: ``StoreError/invalid(_:)`` naming `source.severity` for a count outside 1…365.
    @discardableResult
    public static func setDueDays(
        tenant: Tenant, _ changes: [(source: ActionSource, severity: Severity, days: Int)], database: Database
    ) async throws -> ActionDueDays {
        do {
            _ = try ActionDueDays(overrides: changes)
        } catch let failure as ValidationFailure {
            throw StoreError.invalid(failure.problems)
        }
        return try await database.tenantTransaction(tenant) { conn in
            try conn.execute(
                """
                INSERT INTO action_settings (tenant_id, source, severity, days)
                SELECT app_current_tenant(), x.source, x.severity, x.days
                FROM unnest(\(changes.map(\.source.rawValue))::text[], \(changes.map(\.severity.rawValue))::text[], \(changes.map(\.days))::integer[])
                     AS x(source, severity, days)
                ON CONFLICT (tenant_id, source, severity) DO UPDATE SET days = EXCLUDED.days
                WHERE action_settings.days <> EXCLUDED.days
                """)
            return try dueDays(conn)
        }
    }

    /// SQL for the login of the outlet's manager (the first enabled one by login), given the outlets alias.
    static func ownerOf(_ outlet: String) -> String {
        """
        (SELECT min(u.login) FROM users u WHERE u.tenant_id = \(outlet).tenant_id AND u.role = 'outlet_manager'
           AND u.outlet_code = \(outlet).code AND NOT u.disabled)
        """
    }
}

extension ActionStep {
    /// "started", "submitted", … for messages.
    var pastTense: String {
        switch self {
        case .start: "started"
        case .submit: "submitted"
        case .verify: "verified"
        case .reopen: "reopened"
        case .autoVerify: "verified automatically"
        }
    }
}

extension String {
    fileprivate var nilIfEmpty: String? { isEmpty ? nil : self }
}
