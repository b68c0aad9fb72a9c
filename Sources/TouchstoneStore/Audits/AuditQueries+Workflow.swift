public import Foundation
import PQ
public import TouchstoneCore

extension AuditQueries {
    /// Head office's review of a submitted audit: release (all required evidence present),
    /// reject, or send back (the uploader may then re-upload changed content with the same id).
    /// - Throws: ``StoreError/invalidState(_:)`` when the audit is not submitted or evidence is missing.
    public static func review(
        tenant: Tenant, id: String, action: ReviewAction, actor: String, comment: String?,
        now: Date = Date(), database: Database
    ) async throws -> AuditReceipt {
        try await change(tenant: tenant, id: id, scope: .all, database: database) { conn, audit in
            let missing = action == .release ? try AuditReading.missingEvidence(conn, id: id, template: audit.template) : []
            let target = try workflow(id, tenant) { () throws(AuditWorkflowRefusal) in
                try AuditWorkflow.review(audit.state, action: action, missingEvidence: missing)
            }
            try AuditHistory.transition(conn, id: id, from: audit.state, to: target, actor: actor, reason: comment, at: now)
            if target == .released {
                try AuditRelease.run(
                    conn,
                    [
                        AuditRelease.Released(
                            id: id, template: audit.template, score: AuditScoring.score(template: audit.template, answers: audit.answers))
                    ],
                    by: actor, at: now)
            }
        }
    }

    /// Disputes items of a released audit within the template's dispute window
    /// (`disputeDays` after release); the audit becomes `disputed`.
    /// - Throws: ``StoreError/invalidState(_:)`` naming the deadline when the window has closed,
    ///   or when the audit is not released; ``StoreError/invalid(_:)`` for unknown items or bad answers.
    public static func dispute(
        tenant: Tenant, id: String, items: [DisputedItem], actor: String, scope: AuditScope = .all,
        now: Date = Date(), database: Database
    ) async throws -> AuditReceipt {
        try await change(tenant: tenant, id: id, scope: scope, database: database) { conn, audit in
            let target = try workflow(id, tenant) { () throws(AuditWorkflowRefusal) in
                try AuditWorkflow.dispute(audit.state, releasedAt: audit.releasedAt, disputeDays: audit.template.disputeDays, now: now)
            }
            let problems = AuditWorkflow.disputeProblems(items, template: audit.template, answers: audit.answers)
            guard problems.isEmpty else { throw StoreError.invalid(problems) }
            try conn.execute(
                """
                INSERT INTO audit_disputes (tenant_id, audit_id, item_code, reason, proposed_answer, opened_by, opened_at)
                SELECT app_current_tenant(), \(id)::uuid, x.item, x.reason, x.proposed::jsonb, \(actor), \(now)::timestamptz
                FROM unnest(\(items.map(\.item))::text[], \(items.map(\.reason))::text[],
                            \(items.map { $0.proposedAnswer?.jsonValue.canonicalText })::text[]) AS x(item, reason, proposed)
                """)
            try AuditHistory.transition(
                conn, id: id, from: audit.state, to: target, actor: actor,
                reason: "disputed: " + items.map(\.item).joined(separator: ", "), at: now)
            try AuditEvents.disputed(conn, id: id, items: items.map(\.item), by: actor, at: now)
        }
    }

    /// Head office's decision on one disputed item. Accepting changes the answer (to `answer`,
    /// else the proposed one; the old answer is kept), rescores the audit and records the
    /// score change; rejecting keeps it. When no dispute is open any more the audit is `final`.
    public static func decide(
        tenant: Tenant, id: String, item: String, accept: Bool, answer: Answer? = nil, reason: String,
        actor: String, now: Date = Date(), database: Database
    ) async throws -> AuditReceipt {
        try await change(tenant: tenant, id: id, scope: .all, database: database) { conn, audit in
            try workflow(id, tenant) { () throws(AuditWorkflowRefusal) in try AuditWorkflow.decide(audit.state) }
            guard
                let open = try conn.queryFirst(
                    """
                    SELECT proposed_answer::text FROM audit_disputes WHERE audit_id = \(id)::uuid AND item_code = \(item) AND state = 'open'
                    """)
            else { throw StoreError.notFound("open dispute on item \(item) of audit \(id)") }
            var newAnswer: Answer?
            if accept {
                newAnswer = try answer ?? open.decode(String?.self).map(AuditReading.answer)
                guard let newAnswer else {
                    throw StoreError.invalid([Problem(path: "answer", message: "accepting needs the new answer (none was proposed)")])
                }
                let problems = AuditWorkflow.answerProblems(
                    template: audit.template, answers: audit.answers, item: item, answer: newAnswer, path: "answer")
                guard problems.isEmpty else { throw StoreError.invalid(problems) }
                var answers = audit.answers
                answers[item] = newAnswer
                let score = AuditScoring.score(template: audit.template, answers: answers)
                try AuditRows(id: id, answers: answers, score: score).replace(conn, id: id)
                try AuditHistory.rescore(
                    conn, id: id, score: score, templateVersion: audit.template.version,
                    reason: "dispute on \(item) accepted: \(reason)", at: now)
            }
            try conn.execute(
                """
                UPDATE audit_disputes SET state = \(accept ? "accepted" : "rejected"), decided_by = \(actor),
                       decided_at = \(now)::timestamptz, decision_reason = \(reason),
                       old_answer = \(audit.answers[item]?.jsonValue.canonicalText)::jsonb,
                       new_answer = \(newAnswer?.jsonValue.canonicalText)::jsonb
                WHERE audit_id = \(id)::uuid AND item_code = \(item)
                """)
            let stillOpen = try conn.queryFirst("SELECT 1 FROM audit_disputes WHERE audit_id = \(id)::uuid AND state = 'open'") != nil
            let target = AuditWorkflow.afterDecision(openDisputesLeft: stillOpen)
            if target != audit.state {
                try AuditHistory.transition(conn, id: id, from: audit.state, to: target, actor: actor, reason: "every dispute decided", at: now)
            }
            try AuditEvents.decided(conn, id: id, item: item, accepted: accept, by: actor, at: now)
        }
    }

    /// Locks the audit (visible in `scope`), applies `body`, returns the new receipt.
    private static func change(
        tenant: Tenant, id: String, scope: AuditScope, database: Database,
        _ body: @escaping @Sendable (PQConnection, AuditReading.Locked) throws -> Void
    ) async throws -> AuditReceipt {
        guard UUID(uuidString: id) != nil else { throw StoreError.notFound("audit \(id)") }
        return try await database.tenantTransaction(tenant) { conn in
            try body(conn, try AuditReading.lockForChange(conn, id: id, scope: scope))
            return try AuditReading.receipt(conn, id: id, replayed: false)
        }
    }

    /// Runs a workflow decision; a refusal becomes ``StoreError/invalidState(_:)`` with its message.
    @discardableResult
    private static func workflow<T>(_ id: String, _ tenant: Tenant, _ decide: () throws(AuditWorkflowRefusal) -> T) throws -> T {
        do {
            return try decide()
        } catch {
            throw StoreError.invalidState(error.message(audit: id, timeZone: tenant.timeZone))
        }
    }
}
