import Foundation
import PQ
import TouchstoneCore

/// Audits' answers and scores as column arrays, written with one `unnest` statement each
/// (an audit has ~60 answers: one statement, not 60; an import writes all its audits' at once).
struct AuditRows: Sendable {
    var answerAudits: [String] = []
    var items: [String] = []
    var answers: [String] = []
    var earned: [Decimal?] = []
    var possible: [Decimal?] = []
    var failed: [Bool] = []
    var sectionAudits: [String] = []
    var sectionCodes: [String] = []
    var sectionScores: [Decimal] = []
    var dimensionAudits: [String] = []
    var dimensions: [String] = []
    var dimensionScores: [Decimal] = []

    /// No rows.
    init() {}

    /// The rows of audit `id`'s `answers` scored as `score` (answered items only; N/A sections
    /// and dimensions have no score row).
    init(id: String, answers given: [String: Answer], score: AuditScore) {
        for result in score.items {
            guard let answer = given[result.code] else { continue }
            answerAudits.append(id)
            items.append(result.code)
            answers.append(answer.jsonValue.canonicalText)
            earned.append(result.earned)
            possible.append(result.possible)
            failed.append(result.failed)
        }
        for section in score.sections {
            if let value = section.score {
                sectionAudits.append(id)
                sectionCodes.append(section.code)
                sectionScores.append(value)
            }
        }
        for dimension in score.dimensions {
            if let value = dimension.score {
                dimensionAudits.append(id)
                dimensions.append(dimension.dimension.rawValue)
                dimensionScores.append(value)
            }
        }
    }

    /// Appends the rows of `other` (another audit's).
    mutating func append(_ other: AuditRows) {
        answerAudits += other.answerAudits
        items += other.items
        answers += other.answers
        earned += other.earned
        possible += other.possible
        failed += other.failed
        sectionAudits += other.sectionAudits
        sectionCodes += other.sectionCodes
        sectionScores += other.sectionScores
        dimensionAudits += other.dimensionAudits
        dimensions += other.dimensions
        dimensionScores += other.dimensionScores
    }

    /// CTEs inserting the answers and score rows of every audit of the CTE `audit(tenant_id, id)`:
    /// the `answer_rows`, `section_rows` and `dimension_rows` of a `WITH audit AS (…), …` query.
    var insertCTEs: [Query] {
        [
            """
            answer_rows AS (
                INSERT INTO audit_answers (tenant_id, audit_id, item_code, answer, earned, possible, failed)
                SELECT audit.tenant_id, audit.id, x.item, x.answer::jsonb, x.earned, x.possible, x.failed
                FROM audit JOIN unnest(\(answerAudits)::uuid[], \(PQTextArray(items))::text[], \(PQTextArray(answers))::text[], \(earned)::numeric[],
                                       \(possible)::numeric[], \(failed)::boolean[])
                     AS x(audit_id, item, answer, earned, possible, failed) ON x.audit_id = audit.id)
            """,
            """
            section_rows AS (
                INSERT INTO audit_section_scores (tenant_id, audit_id, section_code, score)
                SELECT audit.tenant_id, audit.id, x.code, x.score
                FROM audit JOIN unnest(\(sectionAudits)::uuid[], \(sectionCodes)::text[], \(sectionScores)::numeric[]) AS x(audit_id, code, score)
                     ON x.audit_id = audit.id)
            """,
            """
            dimension_rows AS (
                INSERT INTO audit_dimension_scores (tenant_id, audit_id, dimension, score)
                SELECT audit.tenant_id, audit.id, x.dimension, x.score
                FROM audit JOIN unnest(\(dimensionAudits)::uuid[], \(dimensions)::text[], \(dimensionScores)::numeric[])
                     AS x(audit_id, dimension, score) ON x.audit_id = audit.id)
            """,
        ]
    }

    /// Replaces the stored answers and score rows of audit `id` (after a dispute decision or a
    /// resubmission) by these rows of it.
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
