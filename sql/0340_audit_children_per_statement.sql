-- The audit key of an audit's bulk child rows (answers, section and dimension scores,
-- transitions, score history) checked once per statement instead of once per row. An import
-- writes 1,000 audits with one statement per table: 60,000 answers and 18,000 other child
-- rows ran a foreign-key check each, 0.3–0.6 s of the 1.0–1.4 s statement (auto_explain,
-- BENCHMARKS.md "Audit import, round two"); one check per statement looks up each distinct
-- audit once. An upload's 60 checks of the same audit cost about what the one statement check
-- costs, so uploads neither gain nor lose much.
--
-- What the foreign keys (ON DELETE CASCADE) guaranteed, the triggers below guarantee, whoever
-- writes, with the same argument as sql/0290 (outlets and staff of the event tables):
--   * a child row inserted or updated names an audit of its own tenant: AFTER INSERT / AFTER
--     UPDATE statement triggers read the statement's rows from their transition table, lock
--     the distinct audits they name FOR KEY SHARE, as the foreign key's check did, and raise
--     23503 (foreign_key_violation) naming the first key that is missing;
--   * deleting audits deletes their child rows (the cascade): an AFTER DELETE statement
--     trigger on audits deletes the rows of every child table that name a deleted audit;
--   * an audit's tenant_id or id cannot change while child rows name it: a BEFORE UPDATE OF
--     id, tenant_id row trigger raises 23503, as the foreign key's NO ACTION check did.
--
-- Under concurrency (READ COMMITTED, the level of every Touchstone transaction): a writer
-- holds its FOR KEY SHARE locks on the audits until it commits, so a DELETE of one of them
-- waits for it; the cascade runs after the delete in a statement of its own, whose fresh
-- snapshot sees every child row whose writer held the lock. A writer that checks after the
-- delete committed finds the audit gone (SELECT … FOR KEY SHARE skips it) and raises 23503.
-- Above READ COMMITTED the cascade's snapshot could miss child rows committed meanwhile, so
-- deleting audits, or changing their key, is refused there with 0A000. Touchstone never
-- deletes audits nor changes their keys: the parent-side triggers are for SQL typed by an
-- operator. The other tables that name audits (attachments, disputes, evidence, actions) keep
-- their foreign keys: their rows are written a few at a time.

ALTER TABLE audit_answers DROP CONSTRAINT audit_answers_tenant_id_audit_id_fkey;
ALTER TABLE audit_section_scores DROP CONSTRAINT audit_section_scores_tenant_id_audit_id_fkey;
ALTER TABLE audit_dimension_scores DROP CONSTRAINT audit_dimension_scores_tenant_id_audit_id_fkey;
ALTER TABLE audit_transitions DROP CONSTRAINT audit_transitions_tenant_id_audit_id_fkey;
ALTER TABLE audit_score_history DROP CONSTRAINT audit_score_history_tenant_id_audit_id_fkey;

-- The statement's distinct audits are counted, then locked and counted again: a shortfall is a
-- missing key, looked up only then, to name it.
CREATE FUNCTION app_check_audit_children() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    wanted  bigint;
    locked  bigint;
    missing record;
BEGIN
    WITH w AS MATERIALIZED (SELECT DISTINCT tenant_id, audit_id FROM new_rows)
    SELECT (SELECT count(*) FROM w),
           (SELECT count(*) FROM (SELECT 1 FROM w JOIN audits a ON a.tenant_id = w.tenant_id AND a.id = w.audit_id
                                  FOR KEY SHARE OF a) AS l)
    INTO wanted, locked;
    IF locked < wanted THEN
        SELECT DISTINCT n.tenant_id, n.audit_id INTO missing FROM new_rows n
        WHERE NOT EXISTS (SELECT 1 FROM audits a WHERE a.tenant_id = n.tenant_id AND a.id = n.audit_id)
        LIMIT 1;
        RAISE EXCEPTION 'insert or update on table "%" violates its audit key: no audit % in tenant %',
                TG_TABLE_NAME, missing.audit_id, missing.tenant_id
            USING ERRCODE = 'foreign_key_violation', TABLE = TG_TABLE_NAME,
                  DETAIL = format('Key (tenant_id, audit_id)=(%s, %s) is not present in table "audits".',
                                  missing.tenant_id, missing.audit_id);
    END IF;
    RETURN NULL;
END
$$;

DO $$
DECLARE
    child text;
BEGIN
    FOREACH child IN ARRAY ARRAY['audit_answers', 'audit_section_scores', 'audit_dimension_scores', 'audit_transitions',
                                 'audit_score_history'] LOOP
        EXECUTE format('CREATE TRIGGER %1$s_audit_insert AFTER INSERT ON %1$s REFERENCING NEW TABLE AS new_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION app_check_audit_children()', child);
        EXECUTE format('CREATE TRIGGER %1$s_audit_update AFTER UPDATE ON %1$s REFERENCING NEW TABLE AS new_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION app_check_audit_children()', child);
    END LOOP;
END
$$;

-- The parent side: deleting audits deletes their child rows; their key does not change.
CREATE FUNCTION app_refuse_audit_rekey() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND (NEW.tenant_id, NEW.id) IS NOT DISTINCT FROM (OLD.tenant_id, OLD.id) THEN
        RETURN NEW;
    END IF;
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION '% of audit % is possible only in a READ COMMITTED transaction', lower(TG_OP), OLD.id
            USING ERRCODE = 'feature_not_supported',
                  HINT = 'the audit''s answers, scores, transitions and score history must be seen as committed meanwhile';
    END IF;
    IF TG_OP = 'UPDATE' AND (EXISTS (SELECT 1 FROM audit_answers c WHERE c.tenant_id = OLD.tenant_id AND c.audit_id = OLD.id)
                             OR EXISTS (SELECT 1 FROM audit_section_scores c WHERE c.tenant_id = OLD.tenant_id AND c.audit_id = OLD.id)
                             OR EXISTS (SELECT 1 FROM audit_dimension_scores c WHERE c.tenant_id = OLD.tenant_id AND c.audit_id = OLD.id)
                             OR EXISTS (SELECT 1 FROM audit_transitions c WHERE c.tenant_id = OLD.tenant_id AND c.audit_id = OLD.id)
                             OR EXISTS (SELECT 1 FROM audit_score_history c WHERE c.tenant_id = OLD.tenant_id AND c.audit_id = OLD.id)) THEN
        RAISE EXCEPTION 'update on table "audits" violates the key of its child rows: audit % of tenant % is named by them',
                OLD.id, OLD.tenant_id
            USING ERRCODE = 'foreign_key_violation', TABLE = 'audits',
                  DETAIL = format('Key (tenant_id, id)=(%s, %s) is still referenced from the audit''s child tables.',
                                  OLD.tenant_id, OLD.id);
    END IF;
    RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END
$$;

CREATE TRIGGER audits_children_rekey BEFORE DELETE OR UPDATE OF id, tenant_id ON audits
    FOR EACH ROW EXECUTE FUNCTION app_refuse_audit_rekey();

CREATE FUNCTION app_delete_audit_children() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    DELETE FROM audit_answers c USING old_rows o WHERE c.tenant_id = o.tenant_id AND c.audit_id = o.id;
    DELETE FROM audit_section_scores c USING old_rows o WHERE c.tenant_id = o.tenant_id AND c.audit_id = o.id;
    DELETE FROM audit_dimension_scores c USING old_rows o WHERE c.tenant_id = o.tenant_id AND c.audit_id = o.id;
    DELETE FROM audit_transitions c USING old_rows o WHERE c.tenant_id = o.tenant_id AND c.audit_id = o.id;
    DELETE FROM audit_score_history c USING old_rows o WHERE c.tenant_id = o.tenant_id AND c.audit_id = o.id;
    RETURN NULL;
END
$$;

CREATE TRIGGER audits_children_cascade AFTER DELETE ON audits
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION app_delete_audit_children();
