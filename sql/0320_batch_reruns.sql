-- Incremental batch reruns (issue #16, docs/kpi-batch.md "Reruns"): the database records what
-- changed since a period's last run, so that no writer can forget it.
--
-- batch_dirty: one row per (period, source, outlet, staff member) whose events changed, the source
-- being the KPIs' (audit, survey, complaint): a rerun recomputes only that source's cells of the
-- subject and takes the others' from its stored results. Statement-level
-- triggers on audits (counted ones: released or final), survey_responses and complaints read the
-- statement's transition tables and insert the distinct outlets and staff members touched, old
-- and new values both (an event moved to another outlet dirties both; an event an UPDATE left
-- as it was dirties nothing), once for the month and
-- once for the quarter of the event's instant in the tenant's time zone. Section and dimension
-- scores change only with their audit row (a dispute decision or a resubmission rescores it).
-- Corrective actions are not recorded: the batch recomputes their cells for every outlet (few
-- rows) and compares them with the stored ones.
--
-- A run takes its period's rows with one DELETE … RETURNING at the start of its transaction.
-- Why nothing is lost under READ COMMITTED: a writer's dirty rows commit with its events (same
-- transaction). If they committed before the DELETE's snapshot, the DELETE takes them and every
-- later statement of the run (which reads the events) has a newer snapshot, so it sees those
-- events. If they commit after, the DELETE does not see them and they stay for the next run,
-- whatever the run itself happened to read of those events. A run that rolls back puts its rows
-- back. Runs of one tenant are serialised by the batch's advisory lock.
--
-- No unique key deduplicates the rows: a writer inserting a key that a running batch has deleted
-- would wait for the batch to commit. A statement's rows are distinct; rows of a period nobody runs
-- (a quarter, for a tenant that runs months) stay until a run of it or its closing takes them.
CREATE TABLE batch_dirty (
    tenant_id bigint NOT NULL REFERENCES tenants (id),
    period    text NOT NULL,
    source    text NOT NULL CHECK (source IN ('audit', 'survey', 'complaint')),
    outlet_id bigint NOT NULL,
    staff_id  bigint
);
CREATE INDEX batch_dirty_period ON batch_dirty (tenant_id, period);
SELECT app_protect_tenant_table('batch_dirty');

-- The months and quarters (period texts, as Period prints them) from `from_at` to `to_at` in the tenant's
-- time zone. The triggers reduce a statement's rows to one per (outlet, staff member) with its first
-- and last instant, so a pair whose events span several months dirties the months between too
-- (more to recompute, nothing missed), and the zone is applied per pair, not per row. Inlined (a
-- SQL set-returning function in FROM).
CREATE FUNCTION app_batch_periods(from_at timestamptz, to_at timestamptz, timezone text) RETURNS SETOF text
    LANGUAGE sql STABLE
    AS $$
        SELECT p
        FROM generate_series(date_trunc('month', from_at AT TIME ZONE timezone), date_trunc('month', to_at AT TIME ZONE timezone),
                             interval '1 month') AS m (month)
        CROSS JOIN LATERAL unnest(ARRAY[to_char(m.month, 'YYYY-MM'), to_char(m.month, 'YYYY-"Q"Q')]) AS u (p)
    $$;
GRANT EXECUTE ON FUNCTION app_batch_periods(timestamptz, timestamptz, text) TO touchstone_app;

-- Counted audits (released or final) before and after the statement.
CREATE FUNCTION app_batch_dirty_audits() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO batch_dirty (tenant_id, period, source, outlet_id, staff_id)
        SELECT DISTINCT d.tenant_id, p.period, 'audit', d.outlet_id, d.staff_id
        FROM (SELECT r.tenant_id, r.outlet_id, r.served_by AS staff_id, min(r.visited_at) AS first, max(r.visited_at) AS last
              FROM new_rows AS r WHERE r.state IN ('released', 'final') GROUP BY 1, 2, 3) AS d
        JOIN tenants t ON t.id = d.tenant_id CROSS JOIN LATERAL app_batch_periods(d.first, d.last, t.timezone) AS p (period);
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO batch_dirty (tenant_id, period, source, outlet_id, staff_id)
        SELECT DISTINCT d.tenant_id, p.period, 'audit', d.outlet_id, d.staff_id
        FROM (SELECT r.tenant_id, r.outlet_id, r.served_by AS staff_id, min(r.visited_at) AS first, max(r.visited_at) AS last
              FROM old_rows AS r WHERE r.state IN ('released', 'final') GROUP BY 1, 2, 3) AS d
        JOIN tenants t ON t.id = d.tenant_id CROSS JOIN LATERAL app_batch_periods(d.first, d.last, t.timezone) AS p (period);
    ELSE
        INSERT INTO batch_dirty (tenant_id, period, source, outlet_id, staff_id)
        SELECT DISTINCT d.tenant_id, p.period, 'audit', d.outlet_id, d.staff_id
        FROM (SELECT r.tenant_id, r.outlet_id, r.served_by AS staff_id, min(r.visited_at) AS first, max(r.visited_at) AS last
              FROM (SELECT * FROM old_rows UNION ALL SELECT * FROM new_rows) AS r WHERE r.state IN ('released', 'final') GROUP BY 1, 2, 3) AS d
        JOIN tenants t ON t.id = d.tenant_id CROSS JOIN LATERAL app_batch_periods(d.first, d.last, t.timezone) AS p (period);
    END IF;
    RETURN NULL;
END
$$;

-- Survey responses before and after the statement.
CREATE FUNCTION app_batch_dirty_responses() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO batch_dirty (tenant_id, period, source, outlet_id, staff_id)
        SELECT DISTINCT d.tenant_id, p.period, 'survey', d.outlet_id, d.staff_id
        FROM (SELECT r.tenant_id, r.outlet_id, r.staff_id AS staff_id, min(r.responded_at) AS first, max(r.responded_at) AS last
              FROM new_rows AS r GROUP BY 1, 2, 3) AS d
        JOIN tenants t ON t.id = d.tenant_id CROSS JOIN LATERAL app_batch_periods(d.first, d.last, t.timezone) AS p (period);
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO batch_dirty (tenant_id, period, source, outlet_id, staff_id)
        SELECT DISTINCT d.tenant_id, p.period, 'survey', d.outlet_id, d.staff_id
        FROM (SELECT r.tenant_id, r.outlet_id, r.staff_id AS staff_id, min(r.responded_at) AS first, max(r.responded_at) AS last
              FROM old_rows AS r GROUP BY 1, 2, 3) AS d
        JOIN tenants t ON t.id = d.tenant_id CROSS JOIN LATERAL app_batch_periods(d.first, d.last, t.timezone) AS p (period);
    ELSE
        INSERT INTO batch_dirty (tenant_id, period, source, outlet_id, staff_id)
        SELECT DISTINCT d.tenant_id, p.period, 'survey', d.outlet_id, d.staff_id
        FROM (SELECT r.tenant_id, r.outlet_id, r.staff_id AS staff_id, min(r.responded_at) AS first, max(r.responded_at) AS last
              FROM ((SELECT * FROM old_rows EXCEPT ALL SELECT * FROM new_rows) UNION ALL (SELECT * FROM new_rows EXCEPT ALL SELECT * FROM old_rows)) AS r GROUP BY 1, 2, 3) AS d
        JOIN tenants t ON t.id = d.tenant_id CROSS JOIN LATERAL app_batch_periods(d.first, d.last, t.timezone) AS p (period);
    END IF;
    RETURN NULL;
END
$$;

-- Complaints before and after the statement.
CREATE FUNCTION app_batch_dirty_complaints() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO batch_dirty (tenant_id, period, source, outlet_id, staff_id)
        SELECT DISTINCT d.tenant_id, p.period, 'complaint', d.outlet_id, d.staff_id
        FROM (SELECT r.tenant_id, r.outlet_id, r.staff_id AS staff_id, min(r.opened_at) AS first, max(r.opened_at) AS last
              FROM new_rows AS r GROUP BY 1, 2, 3) AS d
        JOIN tenants t ON t.id = d.tenant_id CROSS JOIN LATERAL app_batch_periods(d.first, d.last, t.timezone) AS p (period);
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO batch_dirty (tenant_id, period, source, outlet_id, staff_id)
        SELECT DISTINCT d.tenant_id, p.period, 'complaint', d.outlet_id, d.staff_id
        FROM (SELECT r.tenant_id, r.outlet_id, r.staff_id AS staff_id, min(r.opened_at) AS first, max(r.opened_at) AS last
              FROM old_rows AS r GROUP BY 1, 2, 3) AS d
        JOIN tenants t ON t.id = d.tenant_id CROSS JOIN LATERAL app_batch_periods(d.first, d.last, t.timezone) AS p (period);
    ELSE
        INSERT INTO batch_dirty (tenant_id, period, source, outlet_id, staff_id)
        SELECT DISTINCT d.tenant_id, p.period, 'complaint', d.outlet_id, d.staff_id
        FROM (SELECT r.tenant_id, r.outlet_id, r.staff_id AS staff_id, min(r.opened_at) AS first, max(r.opened_at) AS last
              FROM ((SELECT * FROM old_rows EXCEPT ALL SELECT * FROM new_rows) UNION ALL (SELECT * FROM new_rows EXCEPT ALL SELECT * FROM old_rows)) AS r GROUP BY 1, 2, 3) AS d
        JOIN tenants t ON t.id = d.tenant_id CROSS JOIN LATERAL app_batch_periods(d.first, d.last, t.timezone) AS p (period);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER audits_batch_dirty_insert AFTER INSERT ON audits
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app_batch_dirty_audits();
CREATE TRIGGER audits_batch_dirty_update AFTER UPDATE ON audits
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app_batch_dirty_audits();
CREATE TRIGGER audits_batch_dirty_delete AFTER DELETE ON audits
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION app_batch_dirty_audits();
CREATE TRIGGER survey_responses_batch_dirty_insert AFTER INSERT ON survey_responses
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app_batch_dirty_responses();
CREATE TRIGGER survey_responses_batch_dirty_update AFTER UPDATE ON survey_responses
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app_batch_dirty_responses();
CREATE TRIGGER survey_responses_batch_dirty_delete AFTER DELETE ON survey_responses
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION app_batch_dirty_responses();
CREATE TRIGGER complaints_batch_dirty_insert AFTER INSERT ON complaints
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app_batch_dirty_complaints();
CREATE TRIGGER complaints_batch_dirty_update AFTER UPDATE ON complaints
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app_batch_dirty_complaints();
CREATE TRIGGER complaints_batch_dirty_delete AFTER DELETE ON complaints
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION app_batch_dirty_complaints();

-- batch_input_changes: one row per statement that changed what every subject's results depend
-- on — the org (outlets, regions, staff, assignments), the tenant's time zone and SLA hours, KPI
-- definitions, plans — with the writing transaction's id. A run records its snapshot
-- (pg_current_snapshot(), taken before it reads anything) in its job row; the next run of the
-- period is incremental only if every row here is visible in that snapshot, i.e. every such
-- change had committed before the previous run read anything. A change committed later (even by a
-- transaction that started earlier) is not visible in it, so the next run is a full one.
CREATE TABLE batch_input_changes (
    tenant_id bigint NOT NULL REFERENCES tenants (id),
    xact      xid8 NOT NULL DEFAULT pg_current_xact_id(),
    entity    text NOT NULL
);
CREATE INDEX batch_input_changes_xact ON batch_input_changes (tenant_id, xact);
SELECT app_protect_tenant_table('batch_input_changes');

CREATE FUNCTION app_batch_input_changed() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO batch_input_changes (tenant_id, entity) SELECT DISTINCT tenant_id, TG_TABLE_NAME FROM old_rows;
    ELSE
        INSERT INTO batch_input_changes (tenant_id, entity) SELECT DISTINCT tenant_id, TG_TABLE_NAME FROM new_rows;
    END IF;
    RETURN NULL;
END
$$;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['outlets', 'regions', 'staff', 'assignments', 'kpi_definitions', 'plans'] LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS new_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION app_batch_input_changed()', t || '_batch_input_insert', t);
        EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING NEW TABLE AS new_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION app_batch_input_changed()', t || '_batch_input_update', t);
        EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS old_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION app_batch_input_changed()', t || '_batch_input_delete', t);
    END LOOP;
END
$$;

-- The tenant row changes for other reasons (the batch schedule): only its zone and SLA hours count.
CREATE FUNCTION app_batch_tenant_changed() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    INSERT INTO batch_input_changes (tenant_id, entity) VALUES (NEW.id, 'tenants');
    RETURN NULL;
END
$$;
CREATE TRIGGER tenants_batch_input_update AFTER UPDATE ON tenants FOR EACH ROW
    WHEN ((OLD.timezone, OLD.sla_high_hours, OLD.sla_medium_hours, OLD.sla_low_hours)
          IS DISTINCT FROM (NEW.timezone, NEW.sla_high_hours, NEW.sla_medium_hours, NEW.sla_low_hours))
    EXECUTE FUNCTION app_batch_tenant_changed();

-- The exact numerator of a result (value = num / n, or num itself for a count): what a parent's
-- result is recomputed from without the other outlets' events (value × n is not exact). NULL for
-- medians and for results computed before this migration.
ALTER TABLE kpi_results ADD COLUMN num numeric;

-- kpi_results' statistics right after a full run: the period's 500,000 new rows are unknown to the
-- planner until autovacuum analyses the table (a minute or more later), and a rerun in between
-- planned its joins on the period's results as if they were a handful (the national chain: 80 s,
-- then minutes, instead of 3 s). A full run therefore analyses the table before it commits (ANALYZE
-- counts the rows its own transaction wrote); the runtime role does not own the table, so it calls
-- this function, which can do nothing else.
CREATE FUNCTION app_analyze_kpi_results() RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public
    AS $$ BEGIN ANALYZE kpi_results; END $$;
REVOKE ALL ON FUNCTION app_analyze_kpi_results() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_analyze_kpi_results() TO touchstone_app;
