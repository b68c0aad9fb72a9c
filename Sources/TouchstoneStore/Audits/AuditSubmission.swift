import Foundation
import PQ
import TouchstoneCore

/// One upload inside a transaction: parse, check against the database and the template,
/// score, then insert idempotently (`ON CONFLICT (tenant_id, id) DO NOTHING`).
/// Used by ``AuditQueries/submit(tenant:document:submittedBy:now:database:)`` and the JSONL import.
enum AuditSubmission {
    /// What an upload did.
    enum Outcome: Sendable {
        case inserted, replayed, resubmitted
    }

    static func run(
        _ conn: PQConnection, tenant: Tenant, json: Data, submittedBy: String, scope: AuditScope = .all,
        now: Date
    ) throws -> (AuditReceipt, Outcome) {
        let (doc, template, checked) = try check(conn, tenant: tenant, json: json, now: now)
        let score = AuditScoring.score(template: template, answers: doc.answers)
        let rows = AuditRows(answers: doc.answers, score: score)
        let canonical = doc.canonicalJSON
        let hash = Hashing.sha256Hex(Data(canonical.utf8))
        let missing = template.requiredPhotoItems
        let flags = checked.flags(doc, template: template, tenant: tenant, receivedAt: now)
        let state = AuditWorkflow.stateOnArrival(requireReview: template.requireReview, flags: flags, missingEvidence: missing)
        let warnings = JSONValue.array(checked.warnings.map(\.jsonValue)).canonicalText

        var transitionsTo: [String] = [AuditState.submitted.rawValue]
        var transitionsFrom: [String?] = [nil]
        if state == .released {
            transitionsTo.append(AuditState.released.rawValue)
            transitionsFrom.append(AuditState.submitted.rawValue)
        }
        let transitionReasons = transitionsTo.map { $0 == AuditState.released.rawValue ? "released at once: no review required" : "uploaded" }
        // One statement: the audit row (nothing when the id exists), then its answers, scores,
        // attachments, transitions and first score history row for every row the insert returned.
        let audit: Query = """
            audit AS (
                INSERT INTO audits (tenant_id, id, template_code, template_version, outlet_id, visited_at, auditor, served_by,
                                    state, score, critical_failure, content_hash, document, submitted_by, submitted_at,
                                    released_at, late, warnings, flags, visit_id)
                VALUES (app_current_tenant(), \(doc.id)::uuid, \(doc.template), \(doc.templateVersion), \(checked.outletID),
                        \(doc.visitedAt)::timestamptz, \(doc.auditor), \(checked.staffID)::bigint, \(state.rawValue),
                        \(score.overall)::numeric, \(score.criticalFailure), \(hash), \(canonical)::jsonb, \(submittedBy),
                        \(now)::timestamptz, \(state == .released ? now : nil)::timestamptz, app_is_late(\(doc.visitedAt)::timestamptz),
                        \(warnings)::jsonb, \(flags.map(\.rawValue))::text[], \(doc.visit))
                ON CONFLICT (tenant_id, id) DO NOTHING RETURNING tenant_id, id)
            """
        let attachmentRows: Query = """
            attachment_rows AS (
                INSERT INTO audit_attachments (tenant_id, audit_id, item_code, name, sha256, content_type)
                SELECT audit.tenant_id, audit.id, x.item, x.name, x.sha256, x.content_type
                FROM audit, unnest(\(doc.attachments.map(\.item))::text[], \(doc.attachments.map(\.name))::text[],
                                   \(doc.attachments.map(\.sha256))::text[], \(doc.attachments.map(\.contentType))::text[])
                     AS x(item, name, sha256, content_type))
            """
        let transitionRows: Query = """
            transition_rows AS (
                INSERT INTO audit_transitions (tenant_id, audit_id, seq, at, actor, from_state, to_state, reason)
                SELECT audit.tenant_id, audit.id, x.seq, \(now)::timestamptz, \(submittedBy), x.from_state, x.to_state, x.reason
                FROM audit, unnest(\(transitionsFrom)::text[], \(transitionsTo)::text[], \(transitionReasons)::text[])
                     WITH ORDINALITY AS x(from_state, to_state, reason, seq))
            """
        let historyRows: Query = """
            history_rows AS (
                INSERT INTO audit_score_history (tenant_id, audit_id, seq, at, template_version, old_score, new_score, reason)
                SELECT audit.tenant_id, audit.id, 1, \(now)::timestamptz, \(doc.templateVersion), NULL, \(score.overall)::numeric, 'uploaded'
                FROM audit)
            """
        let ctes = [audit] + rows.insertCTEs + [attachmentRows, transitionRows, historyRows]
        let insert: Query = "WITH " + ctes.joined(separator: ",\n") + "\nSELECT count(*) FROM audit"
        let inserted = try conn.queryFirst(insert)?.decode(Int.self) ?? 0
        if inserted == 1 {
            try submitVisit(conn, checked)
            if state == .released {
                try AuditEvents.released(conn, id: doc.id, by: submittedBy, at: now)
                try ActionOpening.released(conn, auditID: doc.id, template: template, score: score, now: now)
            }
            let receipt = AuditReceipt(
                id: doc.id, state: state, overall: score.overall, criticalFailure: score.criticalFailure,
                sectionScores: Dictionary(uniqueKeysWithValues: zip(rows.sectionCodes, rows.sectionScores)),
                dimensionScores: Dictionary(uniqueKeysWithValues: zip(rows.dimensions, rows.dimensionScores)),
                template: template, missingEvidence: missing, warnings: checked.warnings, flags: flags, replayed: false)
            return (receipt, .inserted)
        }
        // The id exists (ON CONFLICT waited for any concurrent upload of it to commit).
        guard
            let existing = try conn.queryFirst(
                """
                SELECT a.content_hash, a.state,
                       app_audit_visible(\(fragment: scope.arguments), a.submitted_by, o.code, r.path, st.employee_no, a.state)
                FROM audits a JOIN outlets o ON o.id = a.outlet_id JOIN regions r ON r.id = o.region_id
                LEFT JOIN staff st ON st.id = a.served_by
                WHERE a.id = \(doc.id)::uuid FOR UPDATE OF a
                """)
        else {
            throw StoreError.conflict("audit \(doc.id) changed concurrently; retry")
        }
        let (storedHash, storedStateText, visible) = try existing.decode((String, String, Bool).self)
        // Another submitter's audit: say nothing about it, not even that it exists.
        guard visible else {
            throw StoreError.conflict("this id cannot be used; upload the audit with a new id")
        }
        let storedState = AuditState(rawValue: storedStateText) ?? .submitted
        if storedHash == hash {
            return (try AuditReading.receipt(conn, id: doc.id, replayed: true), .replayed)
        }
        guard storedState == .returned else {
            throw StoreError.conflict(
                "audit \(doc.id) was already uploaded with other content (state \(storedState.rawValue)); a changed upload needs a new id")
        }
        try resubmit(
            conn, doc: doc, template: template, checked: checked, flags: flags, score: score, rows: rows, hash: hash,
            submittedBy: submittedBy, now: now)
        try submitVisit(conn, checked)
        return (try AuditReading.receipt(conn, id: doc.id, replayed: false), .resubmitted)
    }

    /// Moves the visit the audit fulfils to `submitted` (nothing when the upload names none, or
    /// is a retry of the audit that already fulfilled it).
    private static func submitVisit(_ conn: PQConnection, _ checked: Checked) throws {
        guard let visit = checked.visit, let state = visit.submitted else { return }
        try conn.execute("UPDATE visits SET state = \(state.rawValue), updated_at = now() WHERE visit_id = \(visit.planned.id)")
    }

    /// A changed upload of an audit that was sent back: replaces its content, rescored.
    private static func resubmit(
        _ conn: PQConnection, doc: AuditDocument, template: Template, checked: Checked, flags: [TrustFlag],
        score: AuditScore, rows: AuditRows, hash: String, submittedBy: String, now: Date
    ) throws {
        try conn.execute(
            """
            UPDATE audits SET template_code = \(doc.template), template_version = \(doc.templateVersion), outlet_id = \(checked.outletID),
                   visited_at = \(doc.visitedAt)::timestamptz, auditor = \(doc.auditor), served_by = \(checked.staffID)::bigint,
                   content_hash = \(hash), document = \(doc.canonicalJSON)::jsonb, submitted_by = \(submittedBy),
                   submitted_at = \(now)::timestamptz, late = app_is_late(\(doc.visitedAt)::timestamptz),
                   warnings = \(JSONValue.array(checked.warnings.map(\.jsonValue)).canonicalText)::jsonb,
                   flags = \(flags.map(\.rawValue))::text[], visit_id = \(doc.visit)
            WHERE id = \(doc.id)::uuid
            """)
        try rows.replace(conn, id: doc.id)
        try conn.execute(
            """
            DELETE FROM audit_attachments a WHERE a.audit_id = \(doc.id)::uuid
              AND (a.item_code, a.name, a.sha256) NOT IN (
                  SELECT * FROM unnest(\(doc.attachments.map(\.item))::text[], \(doc.attachments.map(\.name))::text[],
                                       \(doc.attachments.map(\.sha256))::text[]))
            """)
        try conn.execute(
            """
            INSERT INTO audit_attachments (tenant_id, audit_id, item_code, name, sha256, content_type)
            SELECT app_current_tenant(), \(doc.id)::uuid, x.item, x.name, x.sha256, x.content_type
            FROM unnest(\(doc.attachments.map(\.item))::text[], \(doc.attachments.map(\.name))::text[],
                        \(doc.attachments.map(\.sha256))::text[], \(doc.attachments.map(\.contentType))::text[]) AS x(item, name, sha256, content_type)
            ON CONFLICT (tenant_id, audit_id, item_code, name) DO UPDATE SET content_type = EXCLUDED.content_type
            """)
        try AuditHistory.rescore(
            conn, id: doc.id, score: score, templateVersion: doc.templateVersion,
            reason: "resubmitted after send-back", at: now)
        try AuditHistory.transition(
            conn, id: doc.id, from: .returned, to: .submitted, actor: submittedBy,
            reason: "resubmitted after send-back", at: now)
        let missing = try AuditReading.missingEvidence(conn, id: doc.id, template: template)
        if AuditWorkflow.releasesOnArrival(requireReview: template.requireReview, flags: flags, missingEvidence: missing) {
            try AuditHistory.transition(
                conn, id: doc.id, from: .submitted, to: .released, actor: submittedBy,
                reason: "released at once: no review required", at: now)
            try AuditEvents.released(conn, id: doc.id, by: submittedBy, at: now)
            try ActionOpening.released(conn, auditID: doc.id, template: template, score: score, now: now)
        }
    }

    /// What the database said about a document's references, and the facts its trust signals need.
    struct Checked {
        var outletID: Int64
        var staffID: Int64?
        var warnings: [Problem]
        var outletPosition: GeoPoint?
        /// How many of the declared attachments' bytes already arrived for another audit.
        var reusedAttachments: Int
        /// Days (tenant time) of the same auditor's other audits of the same outlet.
        var earlierVisits: [CivilDate]
        var settings: FieldSettingsQueries.Settings
        /// The planned visit the document names, and the state it moves to when the audit is stored
        /// (nil when the upload is a retry of the audit that already fulfilled it).
        var visit: (planned: PlannedVisit, submitted: VisitState?)? = nil

        /// The trust flags of `doc` arriving at `receivedAt` (rules in ``TrustSignals``). Rotation
        /// is a property of planned visits: it is measured for audits from the field (with a
        /// device record), not for an agency system's bulk uploads.
        func flags(_ doc: AuditDocument, template: Template, tenant: Tenant, receivedAt: Date) -> [TrustFlag] {
            let fromTheField = doc.device != nil
            let facts = TrustFacts(
                audit: doc, template: template, trace: doc.device ?? VisitTrace(), receivedAt: receivedAt,
                visitDay: CivilDate(doc.visitedAt, in: tenant.timeZone), outletPosition: outletPosition,
                window: visit.map { ($0.planned.windowStart, $0.planned.windowEnd) }, minimumMinutes: template.minimumMinutes,
                reusedPhotos: reusedAttachments, earlierVisits: fromTheField ? earlierVisits : [])
            return TrustSignals.flags(facts, settings: settings.trust)
        }
    }

    /// Parses and checks a document, listing every problem with its path.
    static func check(_ conn: PQConnection, tenant: Tenant, json: Data, now: Date) throws -> (AuditDocument, Template, Checked) {
        var problems: [Problem] = []
        let value: JSONValue
        do {
            value = try JSONValue.parse(json)
        } catch {
            throw StoreError.invalid(error.problems)
        }
        var parsed: AuditDocument?
        do {
            parsed = try AuditDocument.parse(value, now: now)
        } catch {
            problems = error.problems
            // Check the rest of a document whose only fault is its visitedAt, so every problem is listed at once.
            parsed = try? AuditDocument.parse(value.replacing("visitedAt", with: .string(Instant.format(now, in: tenant.timeZone))))
        }
        guard let doc = parsed else { throw StoreError.invalid(problems) }
        if UUID(uuidString: doc.id) == nil { problems.append(Problem(path: "id", message: "expected a UUID, got \"\(doc.id)\"")) }
        var seen = Set<String>()
        for (i, a) in doc.attachments.enumerated() where !seen.insert(a.item + "/" + a.name).inserted {
            problems.append(Problem(path: "attachments[\(i)]", message: "attachment \(a.item)/\(a.name) is declared twice"))
        }
        let day = CivilDate(doc.visitedAt, in: tenant.timeZone)
        guard
            let row = try conn.queryFirst(
                """
                SELECT coalesce(t.definition_hash, encode(sha256(convert_to(t.definition::text, 'UTF8')), 'hex')), o.id, st.id,
                       EXISTS (SELECT 1 FROM assignments x WHERE x.staff_id = st.id AND x.outlet_id = o.id
                               AND \(day.description)::date BETWEEN x.start_date AND coalesce(x.end_date, 'infinity')),
                       (SELECT max(version) FROM templates WHERE code = \(doc.template)),
                       o.latitude, o.longitude,
                       (SELECT count(DISTINCT x.sha256) FROM audit_attachments x
                        WHERE x.sha256 = ANY(\(doc.attachments.map(\.sha256))::text[]) AND x.audit_id::text <> \(doc.id)
                          AND x.received_at IS NOT NULL),
                       (SELECT array_agg(to_char(a.visited_at AT TIME ZONE \(tenant.timezone), 'YYYY-MM-DD') ORDER BY a.visited_at) FROM audits a
                        WHERE a.outlet_id = o.id AND a.auditor = \(doc.auditor) AND a.id::text <> \(doc.id) AND a.state <> 'rejected')
                FROM (SELECT 1) AS one
                LEFT JOIN templates t ON t.code = \(doc.template) AND t.version = \(doc.templateVersion)::bigint
                LEFT JOIN outlets o ON o.code = \(doc.outlet)
                LEFT JOIN staff st ON st.employee_no = \(doc.servedBy)
                """)
        else { throw StoreError.invalid(problems) }
        let (templateHash, outletID, staffID, servedByAssigned, latest, latitude, longitude, reusedAttachments, earlierVisits) =
            try row.decode((String?, Int64?, Int64?, Bool, Int?, Double?, Double?, Int, [String]?).self)
        var template: Template?
        if let templateHash {
            template = try TemplateQueries.cached(conn, hash: templateHash, code: doc.template, version: doc.templateVersion)
        } else if let latest {
            problems.append(
                Problem(path: "templateVersion", message: "template \(doc.template) has no version \(doc.templateVersion) (latest is \(latest))"))
        } else {
            problems.append(Problem(path: "template", message: "unknown template \"\(doc.template)\""))
        }
        if outletID == nil { problems.append(Problem(path: "outlet", message: "unknown outlet \"\(doc.outlet)\"")) }
        if let servedBy = doc.servedBy, staffID == nil {
            problems.append(Problem(path: "servedBy", message: "unknown staff member \"\(servedBy)\""))
        }
        if let template { problems += validate(doc, against: template) }
        guard problems.isEmpty, let template, let outletID else { throw StoreError.invalid(problems) }
        var warnings: [Problem] = []
        if let servedBy = doc.servedBy, !servedByAssigned {
            warnings.append(Problem(path: "servedBy", message: "\(servedBy) is not assigned to outlet \(doc.outlet) on \(day)"))
        }
        var checked = Checked(
            outletID: outletID, staffID: staffID, warnings: warnings,
            outletPosition: latitude.flatMap { latitude in longitude.flatMap { GeoPoint(latitude: latitude, longitude: $0) } },
            reusedAttachments: reusedAttachments, earlierVisits: (earlierVisits ?? []).compactMap(CivilDate.init),
            settings: try FieldSettingsQueries.get(conn))
        if let visitID = doc.visit {
            checked.visit = try checkVisit(conn, visitID, doc: doc, tenant: tenant, lateVisitsAccepted: checked.settings.lateVisitsAccepted)
        }
        return (doc, template, checked)
    }

    /// The visit `visitID` named by `doc`, locked until the upload commits, checked with
    /// ``VisitUploadCheck`` (refused at the path `visit`).
    private static func checkVisit(
        _ conn: PQConnection, _ visitID: String, doc: AuditDocument, tenant: Tenant,
        lateVisitsAccepted: Bool
    ) throws -> (planned: PlannedVisit, submitted: VisitState?) {
        guard
            let row = try conn.queryFirst(
                """
                SELECT o.code, v.template_code, v.template_version, v.auditor,
                       v.window_from::timestamp AT TIME ZONE \(tenant.timezone), (v.window_to + 1)::timestamp AT TIME ZONE \(tenant.timezone),
                       v.state, (SELECT a.id::text FROM audits a WHERE a.visit_id = v.visit_id AND a.state <> 'rejected' ORDER BY a.submitted_at LIMIT 1)
                FROM visits v JOIN outlets o ON o.tenant_id = v.tenant_id AND o.id = v.outlet_id
                WHERE v.visit_id = \(visitID)
                FOR UPDATE OF v
                """)
        else {
            throw StoreError.invalid([Problem(path: "visit", message: "unknown visit \(visitID)")])
        }
        let (outlet, template, templateVersion, auditor, windowStart, windowEnd, state, auditID) =
            try row.decode((String, String, Int, String?, Date, Date, String, String?).self)
        let planned = PlannedVisit(
            id: visitID, outlet: outlet, template: template, templateVersion: templateVersion, auditor: auditor,
            windowStart: windowStart, windowEnd: windowEnd, state: VisitState(rawValue: state) ?? .cancelled, auditID: auditID)
        do {
            switch try VisitUploadCheck.check(doc, against: planned, lateVisitsAccepted: lateVisitsAccepted, timeZone: tenant.timeZone) {
            case .alreadyFulfilled: return (planned, nil)
            case .accepted: return (planned, planned.state.after(.submit, lateVisitsAccepted: lateVisitsAccepted) ?? .submitted)
            }
        } catch {
            throw StoreError.invalid(error.problems)
        }
    }
}

extension Problem {
    /// `{"path": …, "message": …}`.
    var jsonValue: JSONValue { .object([("path", .string(path)), ("message", .string(message))]) }
}

extension JSONValue {
    /// This object with member `key` set to `value` (other values unchanged).
    func replacing(_ key: String, with value: JSONValue) -> JSONValue {
        guard case .object(var members) = self else { return self }
        if let i = members.firstIndex(where: { $0.key == key }) { members[i].value = value } else { members.append((key, value)) }
        return .object(members)
    }
}
