-- A statement that writes more than app_batch_bulk_rows() survey responses or complaints (a bulk
-- import) dirties the periods it touches whole: one batch_dirty row per tenant, period and source,
-- with no outlet and no staff member. The next run of such a period computes everything
-- (BatchRerun.takeDirty), which a rerun of that many subjects would nearly do anyway. Before, the
-- triggers grouped every row of the statement by outlet and staff member: a million-response import
-- spent 1.4–1.8 s of its 14.5 s there, for 224,492 rows that the next run read as "almost all".
--
-- Smaller statements dirty their outlets and staff members one by one, as sql/0320 describes. The
-- two trigger functions of sql/0320 for these tables were copies with another source and instant
-- column; they are now one, taking both as arguments.
ALTER TABLE batch_dirty ALTER COLUMN outlet_id DROP NOT NULL;

-- The most rows a statement writes and still dirties its subjects one by one. The setting
-- app.batch_bulk_rows overrides it (tests do); any value is safe: a lower one only makes the next
-- run of the periods full sooner.
CREATE FUNCTION app_batch_bulk_rows() RETURNS bigint
    LANGUAGE sql STABLE
    AS $$ SELECT coalesce(nullif(current_setting('app.batch_bulk_rows', true), '')::bigint, 100000) $$;
GRANT EXECUTE ON FUNCTION app_batch_bulk_rows() TO touchstone_app;

-- Events before and after the statement: TG_ARGV[0] is their source, TG_ARGV[1] the column of
-- their instant. An UPDATE dirties the rows it changed (old and new values); a bulk one, the
-- periods of every row it wrote.
CREATE FUNCTION app_batch_dirty_events() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    bulk boolean;
    changed text;
BEGIN
    EXECUTE format('SELECT count(*) > app_batch_bulk_rows() FROM %s', CASE TG_OP WHEN 'DELETE' THEN 'old_rows' ELSE 'new_rows' END)
        INTO bulk;
    changed := CASE
        WHEN TG_OP = 'INSERT' THEN 'new_rows'
        WHEN TG_OP = 'DELETE' THEN 'old_rows'
        WHEN bulk THEN '(SELECT * FROM old_rows UNION ALL SELECT * FROM new_rows)'
        ELSE '((SELECT * FROM old_rows EXCEPT ALL SELECT * FROM new_rows) UNION ALL (SELECT * FROM new_rows EXCEPT ALL SELECT * FROM old_rows))'
    END;
    EXECUTE format(
        'INSERT INTO batch_dirty (tenant_id, period, source, outlet_id, staff_id)
         SELECT DISTINCT d.tenant_id, p.period, %L, d.outlet_id, d.staff_id
         FROM (SELECT r.tenant_id, %s AS outlet_id, %s AS staff_id, min(r.%I) AS first, max(r.%I) AS last
               FROM %s AS r GROUP BY 1, 2, 3) AS d
         JOIN tenants t ON t.id = d.tenant_id CROSS JOIN LATERAL app_batch_periods(d.first, d.last, t.timezone) AS p (period)',
        TG_ARGV[0], CASE WHEN bulk THEN 'NULL::bigint' ELSE 'r.outlet_id' END, CASE WHEN bulk THEN 'NULL::bigint' ELSE 'r.staff_id' END,
        TG_ARGV[1], TG_ARGV[1], changed);
    RETURN NULL;
END
$$;

DROP TRIGGER survey_responses_batch_dirty_insert ON survey_responses;
DROP TRIGGER survey_responses_batch_dirty_update ON survey_responses;
DROP TRIGGER survey_responses_batch_dirty_delete ON survey_responses;
DROP TRIGGER complaints_batch_dirty_insert ON complaints;
DROP TRIGGER complaints_batch_dirty_update ON complaints;
DROP TRIGGER complaints_batch_dirty_delete ON complaints;
DROP FUNCTION app_batch_dirty_responses();
DROP FUNCTION app_batch_dirty_complaints();

CREATE TRIGGER survey_responses_batch_dirty_insert AFTER INSERT ON survey_responses
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app_batch_dirty_events('survey', 'responded_at');
CREATE TRIGGER survey_responses_batch_dirty_update AFTER UPDATE ON survey_responses
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app_batch_dirty_events('survey', 'responded_at');
CREATE TRIGGER survey_responses_batch_dirty_delete AFTER DELETE ON survey_responses
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION app_batch_dirty_events('survey', 'responded_at');
CREATE TRIGGER complaints_batch_dirty_insert AFTER INSERT ON complaints
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app_batch_dirty_events('complaint', 'opened_at');
CREATE TRIGGER complaints_batch_dirty_update AFTER UPDATE ON complaints
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app_batch_dirty_events('complaint', 'opened_at');
CREATE TRIGGER complaints_batch_dirty_delete AFTER DELETE ON complaints
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION app_batch_dirty_events('complaint', 'opened_at');
