import Foundation
import PQ
import TouchstoneCore

/// An audit's answers and scores as column arrays, written with one `unnest` statement each
/// (an audit has ~60 answers: one statement, not 60).
struct AuditRows: Sendable {
    var items: [String] = []
    var answers: [String] = []
    var earned: [Decimal?] = []
    var possible: [Decimal?] = []
    var failed: [Bool] = []
    var sectionCodes: [String] = []
    var sectionScores: [Decimal] = []
    var dimensions: [String] = []
    var dimensionScores: [Decimal] = []

    /// The rows of `answers` scored as `score` (answered items only; N/A sections and
    /// dimensions have no score row).
    init(answers given: [String: Answer], score: AuditScore) {
        for result in score.items {
            guard let answer = given[result.code] else { continue }
            items.append(result.code)
            answers.append(answer.jsonValue.canonicalText)
            earned.append(result.earned)
            possible.append(result.possible)
            failed.append(result.failed)
        }
        for section in score.sections {
            if let value = section.score {
                sectionCodes.append(section.code)
                sectionScores.append(value)
            }
        }
        for dimension in score.dimensions {
            if let value = dimension.score {
                dimensions.append(dimension.dimension.rawValue)
                dimensionScores.append(value)
            }
        }
    }

    /// CTEs inserting the answers and score rows for every row of the CTE `audit(tenant_id, id)`:
    /// the `answer_rows`, `section_rows` and `dimension_rows` of a `WITH audit AS (…), …` query.
    var insertCTEs: [Query] {
        [
            """
            answer_rows AS (
                INSERT INTO audit_answers (tenant_id, audit_id, item_code, answer, earned, possible, failed)
                SELECT audit.tenant_id, audit.id, x.item, x.answer::jsonb, x.earned, x.possible, x.failed
                FROM audit, unnest(\(items)::text[], \(answers)::text[], \(earned)::numeric[], \(possible)::numeric[], \(failed)::boolean[])
                     AS x(item, answer, earned, possible, failed))
            """,
            """
            section_rows AS (
                INSERT INTO audit_section_scores (tenant_id, audit_id, section_code, score)
                SELECT audit.tenant_id, audit.id, x.code, x.score FROM audit, unnest(\(sectionCodes)::text[], \(sectionScores)::numeric[]) AS x(code, score))
            """,
            """
            dimension_rows AS (
                INSERT INTO audit_dimension_scores (tenant_id, audit_id, dimension, score)
                SELECT audit.tenant_id, audit.id, x.dimension, x.score
                FROM audit, unnest(\(dimensions)::text[], \(dimensionScores)::numeric[]) AS x(dimension, score))
            """,
        ]
    }

    /// Replaces the stored answers and score rows of audit `id` (after a dispute decision or a resubmission).
    func replace(_ conn: PQConnection, id: String) throws {
        try conn.execute("DELETE FROM audit_answers WHERE audit_id = \(id)::uuid")
        try conn.execute("DELETE FROM audit_section_scores WHERE audit_id = \(id)::uuid")
        try conn.execute("DELETE FROM audit_dimension_scores WHERE audit_id = \(id)::uuid")
        let audit: Query = "audit AS (SELECT tenant_id, id FROM audits WHERE id = \(id)::uuid)"
        try conn.execute("WITH " + ([audit] + insertCTEs).joined(separator: ",\n") + "\nSELECT 1")
    }
}

/// Transition and score-history rows: every state change and every (re)scoring is recorded.
enum AuditHistory {
    /// Moves audit `id` to `to` and records the transition (`released_at` is set on release).
    static func transition(
        _ conn: PQConnection, id: String, from: AuditState, to: AuditState, actor: String,
        reason: String?, at: Date
    ) throws {
        try conn.execute(
            """
            WITH moved AS (
                UPDATE audits SET state = \(to.rawValue),
                       released_at = CASE WHEN \(to.rawValue) = 'released' THEN \(at)::timestamptz ELSE released_at END
                WHERE id = \(id)::uuid RETURNING tenant_id, id)
            INSERT INTO audit_transitions (tenant_id, audit_id, seq, at, actor, from_state, to_state, reason)
            SELECT moved.tenant_id, moved.id,
                   (SELECT coalesce(max(seq), 0) + 1 FROM audit_transitions t WHERE t.audit_id = moved.id),
                   \(at)::timestamptz, \(actor), \(from.rawValue), \(to.rawValue), \(reason)
            FROM moved
            """)
    }

    /// Stores a new overall score on audit `id` and records the change.
    static func rescore(_ conn: PQConnection, id: String, score: AuditScore, templateVersion: Int, reason: String, at: Date) throws {
        try conn.execute(
            """
            WITH old AS (SELECT tenant_id, id, score FROM audits WHERE id = \(id)::uuid),
            updated AS (
                UPDATE audits SET score = \(score.overall)::numeric, critical_failure = \(score.criticalFailure)
                WHERE id = \(id)::uuid RETURNING id)
            INSERT INTO audit_score_history (tenant_id, audit_id, seq, at, template_version, old_score, new_score, reason)
            SELECT old.tenant_id, old.id,
                   (SELECT coalesce(max(seq), 0) + 1 FROM audit_score_history h WHERE h.audit_id = old.id),
                   \(at)::timestamptz, \(templateVersion), old.score, \(score.overall)::numeric, \(reason)
            FROM old, updated
            """)
    }
}
