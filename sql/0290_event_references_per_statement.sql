-- The outlet and staff keys of the event tables (survey_responses, complaints) checked once per
-- statement instead of once per row. A 1,000,000-row survey import ran two foreign-key checks
-- per row (BENCHMARKS.md, "CSV survey import"); the same guarantee now costs one look-up per
-- distinct outlet and employee of the statement.
--
-- What the foreign keys guaranteed, the triggers below guarantee, whoever writes (they are not
-- the import's own checks, which stay, so that a bad file is reported by line and column):
--   * an event row inserted or updated names an outlet (and, when staff_id is set, a staff
--     member) that exists in the row's own tenant: AFTER INSERT / AFTER UPDATE statement
--     triggers read the statement's rows from their transition table, lock the distinct
--     outlets and staff members they name FOR KEY SHARE, as the foreign key's check did, and
--     raise 23503 (foreign_key_violation) naming the first key that is missing;
--   * an outlet or staff member that event rows name cannot be deleted, nor its id or
--     tenant_id changed: BEFORE DELETE / BEFORE UPDATE OF id, tenant_id row triggers on
--     outlets and staff raise 23503 as the foreign key's NO ACTION check did.
--
-- Why this is as safe as the foreign key under concurrency (READ COMMITTED, the isolation
-- level of every Touchstone transaction):
--   * The writer's check locks every referenced row FOR KEY SHARE in the statement that
--     checks it, and holds the locks until it commits. A DELETE of the outlet, or an UPDATE of
--     its key columns, must take the row's exclusive lock, which conflicts with KEY SHARE.
--   * A BEFORE ROW trigger runs after PostgreSQL has locked the row it is about to delete or
--     update (it waits there for every key-share holder to commit or abort), and each query of
--     a VOLATILE PL/pgSQL function takes a fresh snapshot under READ COMMITTED: the referenced
--     side's check therefore sees every event row whose writer held the lock. A writer that
--     has not locked yet waits for the deleter; when the deleter commits, the row is gone,
--     SELECT … FOR KEY SHARE skips it (READ COMMITTED re-checks the newest version of a row it
--     waited for), the locked count falls short and the writer raises 23503. If the deleter
--     aborts, the writer locks the row and goes on. Either way no event row can name an outlet
--     that does not exist once both have committed.
--   * Above READ COMMITTED the referenced side's check would read the transaction's old
--     snapshot (the foreign key uses a special cross-check snapshot there, which a trigger
--     cannot), so deleting an outlet or staff member, or changing its key, is refused there
--     with 0A000. The writer's check is safe at any level: a referenced row deleted by a
--     transaction that committed after the writer's snapshot makes FOR KEY SHARE fail with a
--     serialization error (40001).
--   * The triggers run as the caller (SECURITY INVOKER), so the runtime role reads outlets and
--     staff under row-level security: the check matches tenant_id explicitly and sees only the
--     current tenant's rows, whose tenant row-level security already pins the event rows to.
--     A key of another tenant is therefore missing, as it was for the (tenant_id, id) key.
--     Like the change-log triggers (0250), the functions belong to the migration's owner and
--     grant nothing new; the runtime role already may SELECT … FOR KEY SHARE (it has UPDATE on
--     outlets and staff).
--   * TRUNCATE of outlets or staff stays refused by the foreign keys of assignments, audits,
--     visits and actions, which keep theirs (rows written one at a time, nothing to win).
--
-- Touchstone never deletes outlets or staff, nor changes their keys: the guards are for SQL
-- typed by an operator. Without an index on the events' outlet_id and staff_id, each guarded
-- row scans the event tables, as the foreign key's check did.

ALTER TABLE survey_responses DROP CONSTRAINT survey_responses_tenant_id_outlet_id_fkey;
ALTER TABLE survey_responses DROP CONSTRAINT survey_responses_tenant_id_staff_id_fkey;
ALTER TABLE complaints DROP CONSTRAINT complaints_tenant_id_outlet_id_fkey;
ALTER TABLE complaints DROP CONSTRAINT complaints_tenant_id_staff_id_fkey;

-- The statement's distinct references are counted, then locked and counted again: a shortfall
-- is a missing key. The counts read the whole set (a locking query read to its end locks
-- every row it returns); only on failure is the missing key looked up, to name it.
CREATE FUNCTION app_check_event_references() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    wanted  bigint;
    locked  bigint;
    missing record;
BEGIN
    WITH w AS MATERIALIZED (SELECT DISTINCT tenant_id, outlet_id FROM new_rows)
    SELECT (SELECT count(*) FROM w),
           (SELECT count(*) FROM (SELECT 1 FROM w JOIN outlets o ON o.tenant_id = w.tenant_id AND o.id = w.outlet_id
                                  FOR KEY SHARE OF o) AS l)
    INTO wanted, locked;
    IF locked < wanted THEN
        SELECT DISTINCT n.tenant_id, n.outlet_id INTO missing FROM new_rows n
        WHERE NOT EXISTS (SELECT 1 FROM outlets o WHERE o.tenant_id = n.tenant_id AND o.id = n.outlet_id)
        LIMIT 1;
        RAISE EXCEPTION 'insert or update on table "%" violates its outlet key: no outlet % in tenant %',
                TG_TABLE_NAME, missing.outlet_id, missing.tenant_id
            USING ERRCODE = 'foreign_key_violation', TABLE = TG_TABLE_NAME,
                  DETAIL = format('Key (tenant_id, outlet_id)=(%s, %s) is not present in table "outlets".',
                                  missing.tenant_id, missing.outlet_id);
    END IF;

    WITH w AS MATERIALIZED (SELECT DISTINCT tenant_id, staff_id FROM new_rows WHERE staff_id IS NOT NULL)
    SELECT (SELECT count(*) FROM w),
           (SELECT count(*) FROM (SELECT 1 FROM w JOIN staff st ON st.tenant_id = w.tenant_id AND st.id = w.staff_id
                                  FOR KEY SHARE OF st) AS l)
    INTO wanted, locked;
    IF locked < wanted THEN
        SELECT DISTINCT n.tenant_id, n.staff_id INTO missing FROM new_rows n
        WHERE n.staff_id IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM staff st WHERE st.tenant_id = n.tenant_id AND st.id = n.staff_id)
        LIMIT 1;
        RAISE EXCEPTION 'insert or update on table "%" violates its staff key: no staff member % in tenant %',
                TG_TABLE_NAME, missing.staff_id, missing.tenant_id
            USING ERRCODE = 'foreign_key_violation', TABLE = TG_TABLE_NAME,
                  DETAIL = format('Key (tenant_id, staff_id)=(%s, %s) is not present in table "staff".',
                                  missing.tenant_id, missing.staff_id);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER survey_responses_references_insert AFTER INSERT ON survey_responses
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app_check_event_references();
CREATE TRIGGER survey_responses_references_update AFTER UPDATE ON survey_responses
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app_check_event_references();
CREATE TRIGGER complaints_references_insert AFTER INSERT ON complaints
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app_check_event_references();
CREATE TRIGGER complaints_references_update AFTER UPDATE ON complaints
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app_check_event_references();

-- The referenced side: an outlet (or staff member) that event rows name keeps its key and its row.
-- TG_ARGV[0] is the events' column naming the guarded table (outlet_id, staff_id).
CREATE FUNCTION app_refuse_referenced_removal() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    referenced boolean;
BEGIN
    IF TG_OP = 'UPDATE' AND (NEW.tenant_id, NEW.id) IS NOT DISTINCT FROM (OLD.tenant_id, OLD.id) THEN
        RETURN NEW;
    END IF;
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION '% of % % is possible only in a READ COMMITTED transaction', lower(TG_OP), TG_TABLE_NAME, OLD.id
            USING ERRCODE = 'feature_not_supported',
                  HINT = 'the check that no survey response or complaint names it must see rows committed meanwhile';
    END IF;
    IF TG_ARGV[0] = 'outlet_id' THEN
        referenced := EXISTS (SELECT 1 FROM survey_responses r WHERE r.tenant_id = OLD.tenant_id AND r.outlet_id = OLD.id)
                   OR EXISTS (SELECT 1 FROM complaints c WHERE c.tenant_id = OLD.tenant_id AND c.outlet_id = OLD.id);
    ELSE
        referenced := EXISTS (SELECT 1 FROM survey_responses r WHERE r.tenant_id = OLD.tenant_id AND r.staff_id = OLD.id)
                   OR EXISTS (SELECT 1 FROM complaints c WHERE c.tenant_id = OLD.tenant_id AND c.staff_id = OLD.id);
    END IF;
    IF referenced THEN
        RAISE EXCEPTION '% on table "%" violates the key of survey responses or complaints: % % of tenant % is named by them',
                lower(TG_OP), TG_TABLE_NAME, TG_TABLE_NAME, OLD.id, OLD.tenant_id
            USING ERRCODE = 'foreign_key_violation', TABLE = TG_TABLE_NAME,
                  DETAIL = format('Key (tenant_id, id)=(%s, %s) is still referenced from survey_responses or complaints.',
                                  OLD.tenant_id, OLD.id);
    END IF;
    RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END
$$;

CREATE TRIGGER outlets_referenced_by_events BEFORE DELETE OR UPDATE OF id, tenant_id ON outlets
    FOR EACH ROW EXECUTE FUNCTION app_refuse_referenced_removal('outlet_id');
CREATE TRIGGER staff_referenced_by_events BEFORE DELETE OR UPDATE OF id, tenant_id ON staff
    FOR EACH ROW EXECUTE FUNCTION app_refuse_referenced_removal('staff_id');
