-- payouts are written a whole period at a time (one row per person and plan: ~200,000 on the
-- national chain). The row-level closed-period guard of 0004 ran a query per row; the batch's
-- DELETE of the period's drafts spent most of its time there. Statement-level triggers check
-- each statement's rows once, with the same rule and error (TS001), as 0021 did for kpi_results.
DROP TRIGGER payouts_closed ON payouts;
CREATE TRIGGER payouts_closed_insert AFTER INSERT ON payouts
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app_refuse_closed_period_rows();
CREATE TRIGGER payouts_closed_update AFTER UPDATE ON payouts
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app_refuse_closed_period_rows();
CREATE TRIGGER payouts_closed_delete AFTER DELETE ON payouts
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION app_refuse_closed_period_rows();

-- Like kpi_results (0021): derived rows written by the batch as the runtime role, whose
-- row-level-security WITH CHECK pins tenant_id to the current tenant; the per-row foreign-key
-- check to tenants goes. The plan-version foreign key stays.
ALTER TABLE payouts DROP CONSTRAINT payouts_tenant_id_fkey;
