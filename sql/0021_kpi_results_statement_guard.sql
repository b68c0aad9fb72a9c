-- kpi_results is written a whole period at a time (the batch writes ~500,000 rows for the
-- national chain). The row-level guard of 0003 ran a query per row; these statement-level
-- triggers check each statement's rows once, with the same rule: no row of a closed period
-- may be inserted, updated or deleted, whoever asks (TS001).

CREATE FUNCTION app_refuse_closed_period_rows() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    closed_period text;
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        SELECT n.period INTO closed_period
        FROM new_rows n JOIN periods p ON p.tenant_id = n.tenant_id AND p.period = n.period AND p.state = 'closed'
        LIMIT 1;
    END IF;
    IF closed_period IS NULL AND TG_OP IN ('UPDATE', 'DELETE') THEN
        SELECT o.period INTO closed_period
        FROM old_rows o JOIN periods p ON p.tenant_id = o.tenant_id AND p.period = o.period AND p.state = 'closed'
        LIMIT 1;
    END IF;
    IF closed_period IS NOT NULL THEN
        RAISE EXCEPTION 'period % is closed: its results cannot change', closed_period USING ERRCODE = 'TS001';
    END IF;
    RETURN NULL;
END
$$;

DROP TRIGGER kpi_results_closed ON kpi_results;
CREATE TRIGGER kpi_results_closed_insert AFTER INSERT ON kpi_results
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app_refuse_closed_period_rows();
CREATE TRIGGER kpi_results_closed_update AFTER UPDATE ON kpi_results
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app_refuse_closed_period_rows();
CREATE TRIGGER kpi_results_closed_delete AFTER DELETE ON kpi_results
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION app_refuse_closed_period_rows();

-- kpi_results is derived data written only by the batch, as the runtime role, whose
-- row-level-security WITH CHECK already pins tenant_id to the current (existing) tenant.
-- The per-row foreign-key check to tenants cost as much as the index maintenance
-- (~3 s of a ~10 s national-chain batch), so it goes, like the child audit tables of 0002.
ALTER TABLE kpi_results DROP CONSTRAINT kpi_results_tenant_id_fkey;
