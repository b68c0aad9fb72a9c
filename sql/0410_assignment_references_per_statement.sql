-- The staff and outlet keys of assignments checked once per statement instead of once per row,
-- with sql/0290's triggers and the same argument. A staff import of a national chain writes
-- 105,030 assignments in one statement, and their three foreign keys cost 0.72 s (tenant),
-- 0.91 s (staff member) and 0.85 s (outlet) of row checks (auto_explain, BENCHMARKS.md, round six);
-- one check per statement, 0.37 s, looks up each distinct staff member and outlet once.
--
-- What the foreign keys guaranteed still holds, whoever writes:
--   * an assignment inserted or updated names a staff member and an outlet of its own tenant:
--     app_check_event_references (sql/0290) reads the statement's rows from its transition
--     table (tenant_id, outlet_id, staff_id: the columns of the event tables), locks the
--     distinct outlets and staff members FOR KEY SHARE, as the foreign keys' checks did, and
--     raises 23503 naming the first key that is missing;
--   * the tenant key needs no check of its own: the staff member found has the assignment's
--     tenant_id, and staff keep their foreign key to tenants, so the tenant exists and cannot be
--     deleted while the staff member (locked, then named by the assignment) does;
--   * a staff member or outlet that assignments name cannot be deleted nor have its key
--     changed: app_refuse_referenced_removal, the BEFORE DELETE / UPDATE OF id, tenant_id row
--     trigger sql/0290 put on staff and outlets, now looks in assignments too (by its primary
--     key for staff, by assignments_outlet for outlets) and raises 23503 as the foreign keys'
--     NO ACTION checks did; outside READ COMMITTED it refuses with 0A000 (sql/0290 says why).
--   * TRUNCATE of staff or outlets stays refused by the foreign keys of audits (outlet and
--     served_by), visits and actions.

ALTER TABLE assignments
    DROP CONSTRAINT assignments_tenant_id_fkey,
    DROP CONSTRAINT assignments_tenant_id_staff_id_fkey,
    DROP CONSTRAINT assignments_tenant_id_outlet_id_fkey;

CREATE TRIGGER assignments_references_insert AFTER INSERT ON assignments
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app_check_event_references();
CREATE TRIGGER assignments_references_update AFTER UPDATE ON assignments
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app_check_event_references();

-- sql/0290's function with assignments among the tables that name an outlet or a staff member.
CREATE OR REPLACE FUNCTION app_refuse_referenced_removal() RETURNS trigger
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
                  HINT = 'the check that no survey response, complaint or assignment names it must see rows committed meanwhile';
    END IF;
    IF TG_ARGV[0] = 'outlet_id' THEN
        referenced := EXISTS (SELECT 1 FROM survey_responses r WHERE r.tenant_id = OLD.tenant_id AND r.outlet_id = OLD.id)
                   OR EXISTS (SELECT 1 FROM complaints c WHERE c.tenant_id = OLD.tenant_id AND c.outlet_id = OLD.id)
                   OR EXISTS (SELECT 1 FROM assignments a WHERE a.tenant_id = OLD.tenant_id AND a.outlet_id = OLD.id);
    ELSE
        referenced := EXISTS (SELECT 1 FROM survey_responses r WHERE r.tenant_id = OLD.tenant_id AND r.staff_id = OLD.id)
                   OR EXISTS (SELECT 1 FROM complaints c WHERE c.tenant_id = OLD.tenant_id AND c.staff_id = OLD.id)
                   OR EXISTS (SELECT 1 FROM assignments a WHERE a.tenant_id = OLD.tenant_id AND a.staff_id = OLD.id);
    END IF;
    IF referenced THEN
        RAISE EXCEPTION '% on table "%" violates the key of survey responses, complaints or assignments: % % of tenant % is named by them',
                lower(TG_OP), TG_TABLE_NAME, TG_TABLE_NAME, OLD.id, OLD.tenant_id
            USING ERRCODE = 'foreign_key_violation', TABLE = TG_TABLE_NAME,
                  DETAIL = format('Key (tenant_id, id)=(%s, %s) is still referenced from survey_responses, complaints or assignments.',
                                  OLD.tenant_id, OLD.id);
    END IF;
    RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END
$$;
