import Foundation
import PQ
import TouchstoneCore

/// One upload inside a transaction: parse, check against the database and the template,
/// score, then insert idempotently (`ON CONFLICT (tenant_id, id) DO NOTHING`).
/// Used by ``AuditQueries/submit(tenant:document:submittedBy:now:database:)`` and the JSONL
/// import, which also writes its plain new audits many at once with the same steps
/// (``parse(_:tenant:now:)``, ``references(_:tenant:documents:)``, ``checked(_:problems:references:tenant:settings:conn:)``,
/// ``New``, ``insert(_:_:submittedBy:now:)``, ``AuditRelease``).
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
        let new = New(doc, template: template, checked: checked, tenant: tenant, now: now)
        if try insert(conn, [new], submittedBy: submittedBy, now: now) == 1 {
            try submitVisit(conn, checked)
            if new.state == .released { try AuditRelease.run(conn, [new.released], by: submittedBy, at: now) }
            return (new.receipt, .inserted)
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
        if storedHash == new.hash {
            return (try AuditReading.receipt(conn, id: doc.id, replayed: true), .replayed)
        }
        guard storedState == .returned else { throw changedUpload(doc.id, storedState: storedState) }
        try resubmit(conn, new, submittedBy: submittedBy, now: now)
        try submitVisit(conn, checked)
        return (try AuditReading.receipt(conn, id: doc.id, replayed: false), .resubmitted)
    }

    /// The refusal of other content under the id of a stored audit that was not sent back.
    static func changedUpload(_ id: String, storedState: AuditState) -> StoreError {
        .conflict("audit \(id) was already uploaded with other content (state \(storedState.rawValue)); a changed upload needs a new id")
    }

    /// A checked upload, scored and flagged: what storing it writes.
    struct New {
        var doc: AuditDocument
        var template: Template
        var checked: Checked
        var score: AuditScore
        var rows: AuditRows
        var canonical: String
        /// SHA-256 of the canonical document: an identical replay has the same.
        var hash: String
        var missing: [String]
        var flags: [TrustFlag]
        var state: AuditState

        init(_ doc: AuditDocument, template: Template, checked: Checked, tenant: Tenant, now: Date) {
            self.doc = doc
            self.template = template
            self.checked = checked
            score = AuditScoring.score(template: template, answers: doc.answers)
            rows = AuditRows(id: doc.id, answers: doc.answers, score: score)
            canonical = doc.canonicalJSON
            hash = Hashing.sha256Hex(Data(canonical.utf8))
            missing = template.requiredPhotoItems
            flags = checked.flags(doc, template: template, tenant: tenant, receivedAt: now)
            state = AuditWorkflow.stateOnArrival(requireReview: template.requireReview, flags: flags, missingEvidence: missing)
        }

        var warnings: String { JSONValue.array(checked.warnings.map(\.jsonValue)).canonicalText }

        var released: AuditRelease.Released { AuditRelease.Released(id: doc.id, template: template, score: score) }

        var receipt: AuditReceipt {
            AuditReceipt(
                id: doc.id, state: state, overall: score.overall, criticalFailure: score.criticalFailure,
                sectionScores: Dictionary(uniqueKeysWithValues: zip(rows.sectionCodes, rows.sectionScores)),
                dimensionScores: Dictionary(uniqueKeysWithValues: zip(rows.dimensions, rows.dimensionScores)),
                template: template, missingEvidence: missing, warnings: checked.warnings, flags: flags, replayed: false)
        }
    }

    /// Inserts `audits` (distinct ids) with one statement (``insertion(_:submittedBy:now:)``).
    /// Returns how many audits were inserted.
    static func insert(_ conn: PQConnection, _ audits: [New], submittedBy: String, now: Date) throws -> Int {
        audits.isEmpty ? 0 : try conn.execute(insertion(audits, submittedBy: submittedBy, now: now))
    }

    /// The statement inserting `audits` (distinct ids, at least one): the audit rows (none for an id
    /// that exists), then the answers, scores, attachments, transitions and first score-history row
    /// of every audit row inserted; it returns a row per audit inserted. Events and actions of the
    /// released ones are the caller's (``AuditRelease``).
    static func insertion(_ audits: [New], submittedBy: String, now: Date) -> Query {
        var rows = AuditRows()
        var attachments: (audit: [String], item: [String], name: [String], sha256: [String], contentType: [String]) = ([], [], [], [], [])
        var transitions: (audit: [String], seq: [Int], from: [String?], to: [String], reason: [String]) = ([], [], [], [], [])
        for audit in audits {
            rows.append(audit.rows)
            for a in audit.doc.attachments {
                attachments.audit.append(audit.doc.id)
                attachments.item.append(a.item)
                attachments.name.append(a.name)
                attachments.sha256.append(a.sha256)
                attachments.contentType.append(a.contentType)
            }
            transitions.audit.append(audit.doc.id)
            transitions.seq.append(1)
            transitions.from.append(nil)
            transitions.to.append(AuditState.submitted.rawValue)
            transitions.reason.append("uploaded")
            if audit.state == .released {
                transitions.audit.append(audit.doc.id)
                transitions.seq.append(2)
                transitions.from.append(AuditState.submitted.rawValue)
                transitions.to.append(AuditState.released.rawValue)
                transitions.reason.append("released at once: no review required")
            }
        }
        let auditRows: Query = """
            audit AS (
                INSERT INTO audits (tenant_id, id, template_code, template_version, outlet_id, visited_at, auditor, served_by,
                                    state, score, critical_failure, content_hash, document, submitted_by, submitted_at,
                                    released_at, late, warnings, flags, visit_id)
                SELECT app_current_tenant(), x.id, x.template, x.version, x.outlet, x.visited_at, x.auditor, x.served_by, x.state,
                       x.score, x.critical_failure, x.hash, x.document::jsonb, \(submittedBy), \(now)::timestamptz,
                       CASE WHEN x.state = 'released' THEN \(now)::timestamptz END, app_is_late(x.visited_at), x.warnings::jsonb,
                       string_to_array(x.flags, ','), x.visit
                FROM unnest(\(audits.map(\.doc.id))::uuid[], \(audits.map(\.doc.template))::text[], \(audits.map(\.doc.templateVersion))::integer[],
                            \(audits.map(\.checked.outletID))::bigint[], \(audits.map(\.doc.visitedAt))::timestamptz[],
                            \(audits.map(\.doc.auditor))::text[], \(audits.map(\.checked.staffID))::bigint[], \(audits.map(\.state.rawValue))::text[],
                            \(audits.map(\.score.overall))::numeric[], \(audits.map(\.score.criticalFailure))::boolean[], \(audits.map(\.hash))::text[],
                            \(PQTextArray(audits.map(\.canonical)))::text[], \(PQTextArray(audits.map(\.warnings)))::text[],
                            \(audits.map { $0.flags.map(\.rawValue).joined(separator: ",") })::text[], \(audits.map(\.doc.visit))::text[])
                     WITH ORDINALITY AS x(id, template, version, outlet, visited_at, auditor, served_by, state, score, critical_failure,
                                          hash, document, warnings, flags, visit, n)
                ORDER BY x.n
                ON CONFLICT (tenant_id, id) DO NOTHING RETURNING tenant_id, id, template_version, score)
            """
        let attachmentRows: Query = """
            attachment_rows AS (
                INSERT INTO audit_attachments (tenant_id, audit_id, item_code, name, sha256, content_type)
                SELECT audit.tenant_id, audit.id, x.item, x.name, x.sha256, x.content_type
                FROM audit JOIN unnest(\(attachments.audit)::uuid[], \(attachments.item)::text[], \(attachments.name)::text[],
                                       \(attachments.sha256)::text[], \(attachments.contentType)::text[])
                     AS x(audit_id, item, name, sha256, content_type) ON x.audit_id = audit.id)
            """
        let transitionRows: Query = """
            transition_rows AS (
                INSERT INTO audit_transitions (tenant_id, audit_id, seq, at, actor, from_state, to_state, reason)
                SELECT audit.tenant_id, audit.id, x.seq, \(now)::timestamptz, \(submittedBy), x.from_state, x.to_state, x.reason
                FROM audit JOIN unnest(\(transitions.audit)::uuid[], \(transitions.seq)::integer[], \(transitions.from)::text[],
                                       \(transitions.to)::text[], \(transitions.reason)::text[])
                     AS x(audit_id, seq, from_state, to_state, reason) ON x.audit_id = audit.id)
            """
        let historyRows: Query = """
            history_rows AS (
                INSERT INTO audit_score_history (tenant_id, audit_id, seq, at, template_version, old_score, new_score, reason)
                SELECT audit.tenant_id, audit.id, 1, \(now)::timestamptz, audit.template_version, NULL, audit.score, 'uploaded'
                FROM audit)
            """
        let ctes = [auditRows] + rows.insertCTEs + [attachmentRows, transitionRows, historyRows]
        return "WITH " + ctes.joined(separator: ",\n") + "\nSELECT FROM audit"
    }

    /// Moves the visit the audit fulfils to `submitted` (nothing when the upload names none, or
    /// is a retry of the audit that already fulfilled it).
    private static func submitVisit(_ conn: PQConnection, _ checked: Checked) throws {
        guard let visit = checked.visit, let state = visit.submitted else { return }
        try conn.execute("UPDATE visits SET state = \(state.rawValue), updated_at = now() WHERE visit_id = \(visit.planned.id)")
    }

    /// A changed upload of an audit that was sent back: replaces its content, rescored.
    private static func resubmit(_ conn: PQConnection, _ new: New, submittedBy: String, now: Date) throws {
        let (doc, checked) = (new.doc, new.checked)
        try conn.execute(
            """
            UPDATE audits SET template_code = \(doc.template), template_version = \(doc.templateVersion), outlet_id = \(checked.outletID),
                   visited_at = \(doc.visitedAt)::timestamptz, auditor = \(doc.auditor), served_by = \(checked.staffID)::bigint,
                   content_hash = \(new.hash), document = \(new.canonical)::jsonb, submitted_by = \(submittedBy),
                   submitted_at = \(now)::timestamptz, late = app_is_late(\(doc.visitedAt)::timestamptz),
                   warnings = \(new.warnings)::jsonb, flags = \(new.flags.map(\.rawValue))::text[], visit_id = \(doc.visit)
            WHERE id = \(doc.id)::uuid
            """)
        try new.rows.replace(conn, id: doc.id)
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
            conn, id: doc.id, score: new.score, templateVersion: doc.templateVersion,
            reason: "resubmitted after send-back", at: now)
        try AuditHistory.transition(
            conn, id: doc.id, from: .returned, to: .submitted, actor: submittedBy,
            reason: "resubmitted after send-back", at: now)
        let missing = try AuditReading.missingEvidence(conn, id: doc.id, template: new.template)
        if AuditWorkflow.releasesOnArrival(requireReview: new.template.requireReview, flags: new.flags, missingEvidence: missing) {
            try AuditHistory.transition(
                conn, id: doc.id, from: .submitted, to: .released, actor: submittedBy,
                reason: "released at once: no review required", at: now)
            try AuditRelease.run(conn, [new.released], by: submittedBy, at: now)
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
        let (doc, problems) = try parse(json, tenant: tenant, now: now)
        let references = try references(conn, tenant: tenant, documents: [doc])[0]
        let settings = try FieldSettingsQueries.get(conn)
        let (template, found) = try checked(
            doc, problems: problems, references: references, template: template(conn, of: doc, references: references), tenant: tenant,
            settings: settings)
        var checked = found
        if let visitID = doc.visit {
            checked.visit = try checkVisit(conn, visitID, doc: doc, tenant: tenant, lateVisitsAccepted: settings.lateVisitsAccepted)
        }
        return (doc, template, checked)
    }

    /// Parses a document: the document and the problems found without the database, or
    /// ``StoreError/invalid(_:)`` when it cannot be read as a document at all.
    static func parse(_ json: Data, tenant: Tenant, now: Date) throws(StoreError) -> (AuditDocument, [Problem]) {
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
        return (doc, problems)
    }

    /// What the database holds about a document's references.
    struct References {
        var templateHash: String?
        var outletID: Int64?
        var staffID: Int64?
        var servedByAssigned: Bool
        /// The template's latest version, if the template exists.
        var latest: Int?
        var latitude: Double?
        var longitude: Double?
        var reusedAttachments: Int
        /// Only for documents from the field (with a device record): ``Checked/earlierVisits``.
        var earlierVisits: [String]?
        /// The stored audit with the document's id, if any.
        var stored: (hash: String, state: AuditState)?
    }

    /// The references of `documents`, in their order, with one query.
    static func references(_ conn: PQConnection, tenant: Tenant, documents: [AuditDocument]) throws -> [References] {
        var shaDocuments: [Int] = []
        var shas: [String] = []
        for (n, doc) in documents.enumerated() {
            for a in doc.attachments {
                shaDocuments.append(n + 1)
                shas.append(a.sha256)
            }
        }
        let rows = try conn.query(
            """
            WITH d AS (
                SELECT * FROM unnest(\(documents.map(\.template))::text[], \(documents.map(\.templateVersion))::bigint[], \(documents.map(\.outlet))::text[],
                                     \(documents.map(\.servedBy))::text[], \(documents.map { CivilDate($0.visitedAt, in: tenant.timeZone).description })::date[],
                                     \(documents.map(\.id))::text[], \(documents.map { UUID(uuidString: $0.id) })::uuid[], \(documents.map(\.auditor))::text[],
                                     \(documents.map { $0.device != nil })::boolean[])
                     WITH ORDINALITY AS d(template, version, outlet, served_by, day, id, uuid, auditor, field, n)),
            -- Per document: how many of its attachments' bytes already arrived for another audit.
            reused AS (
                SELECT d.n, count(DISTINCT x.sha256) AS count
                FROM unnest(\(shaDocuments)::bigint[], \(shas)::text[]) AS s(n, sha256)
                JOIN d ON d.n = s.n
                JOIN audit_attachments x ON x.sha256 = s.sha256 AND x.audit_id::text <> d.id AND x.received_at IS NOT NULL
                GROUP BY d.n)
            SELECT coalesce(t.definition_hash, encode(sha256(convert_to(t.definition::text, 'UTF8')), 'hex')), o.id, st.id,
                   EXISTS (SELECT 1 FROM assignments x WHERE x.staff_id = st.id AND x.outlet_id = o.id
                           AND d.day BETWEEN x.start_date AND coalesce(x.end_date, 'infinity')),
                   (SELECT max(version) FROM templates WHERE code = d.template),
                   o.latitude, o.longitude,
                   coalesce(reused.count, 0),
                   CASE WHEN d.field THEN
                       (SELECT array_agg(to_char(a.visited_at AT TIME ZONE \(tenant.timezone), 'YYYY-MM-DD') ORDER BY a.visited_at) FROM audits a
                        WHERE a.outlet_id = o.id AND a.auditor = d.auditor AND a.id::text <> d.id AND a.state <> 'rejected')
                   END,
                   e.content_hash, e.state
            FROM d
            LEFT JOIN templates t ON t.code = d.template AND t.version = d.version
            LEFT JOIN outlets o ON o.code = d.outlet
            LEFT JOIN staff st ON st.employee_no = d.served_by
            LEFT JOIN audits e ON e.id = d.uuid
            LEFT JOIN reused ON reused.n = d.n
            ORDER BY d.n
            """)
        return try rows.map { row in
            let (
                templateHash, outletID, staffID, servedByAssigned, latest, latitude, longitude, reusedAttachments, earlierVisits, storedHash,
                storedState
            ) =
                try row.decode((String?, Int64?, Int64?, Bool, Int?, Double?, Double?, Int, [String]?, String?, String?).self)
            return References(
                templateHash: templateHash, outletID: outletID, staffID: staffID, servedByAssigned: servedByAssigned, latest: latest,
                latitude: latitude, longitude: longitude, reusedAttachments: reusedAttachments, earlierVisits: earlierVisits,
                stored: storedHash.map { ($0, AuditState(rawValue: storedState ?? "") ?? .submitted) })
        }
    }

    /// The template version `doc` names, when `r` found it (parsed once, then cached by its hash).
    static func template(_ conn: PQConnection, of doc: AuditDocument, references r: References) throws -> Template? {
        try r.templateHash.map { try TemplateQueries.cached(conn, hash: $0, code: doc.template, version: doc.templateVersion) }
    }

    /// Checks parsed `doc` (with the `problems` parsing found) against its `references` and its
    /// `template` (``template(_:of:references:)``): the template and the checked facts, or
    /// ``StoreError/invalid(_:)`` listing every problem. Reads nothing: an import checks its
    /// documents on all cores. The planned visit it names is the caller's (``check(_:tenant:json:now:)``).
    static func checked(
        _ doc: AuditDocument, problems parsed: [Problem], references r: References, template: Template?, tenant: Tenant,
        settings: FieldSettingsQueries.Settings
    ) throws -> (Template, Checked) {
        var problems = parsed
        if template == nil {
            problems.append(
                r.latest.map { latest in
                    Problem(path: "templateVersion", message: "template \(doc.template) has no version \(doc.templateVersion) (latest is \(latest))")
                } ?? Problem(path: "template", message: "unknown template \"\(doc.template)\""))
        }
        if r.outletID == nil { problems.append(Problem(path: "outlet", message: "unknown outlet \"\(doc.outlet)\"")) }
        if let servedBy = doc.servedBy, r.staffID == nil {
            problems.append(Problem(path: "servedBy", message: "unknown staff member \"\(servedBy)\""))
        }
        if let template { problems += validate(doc, against: template) }
        guard problems.isEmpty, let template, let outletID = r.outletID else { throw StoreError.invalid(problems) }
        var warnings: [Problem] = []
        if let servedBy = doc.servedBy, !r.servedByAssigned {
            let day = CivilDate(doc.visitedAt, in: tenant.timeZone)
            warnings.append(Problem(path: "servedBy", message: "\(servedBy) is not assigned to outlet \(doc.outlet) on \(day)"))
        }
        let checked = Checked(
            outletID: outletID, staffID: r.staffID, warnings: warnings,
            outletPosition: r.latitude.flatMap { latitude in r.longitude.flatMap { GeoPoint(latitude: latitude, longitude: $0) } },
            reusedAttachments: r.reusedAttachments, earlierVisits: (r.earlierVisits ?? []).compactMap(CivilDate.init),
            settings: settings)
        return (template, checked)
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
