-- Each league's size per region, kept by the batch beside the red counts (issue #16: every page's
-- first read ≤ 200 ms). A region manager's first page of a staff league counted the region's
-- members that have a result: the region's 26,000 assigned staff joined with the period's 100,000
-- results of the KPI, 200–600 ms on a national chain.
--
-- kpi_red_counts becomes kpi_scope_counts: per period, scope (a region's path, '' for the whole
-- tenant) and KPI, the red outlet and staff results (red_outlets, red_staff: the former outlets and
-- staff) and all the outlet and staff results (outlets, staff: the sizes of the scope's league
-- tables), counted alike (a staff member within a region when assigned to one of its outlets
-- during the period, once). NULL sizes: rows written before this migration; the page counts then.
-- The sizes describe the organisation as of the run, like the red counts; the league page lists
-- the members as they are now, so it uses a stored size only while the organisation is unchanged
-- since the period's last run (no row in batch_input_changes that the run's snapshot misses).
ALTER TABLE kpi_red_counts RENAME TO kpi_scope_counts;
ALTER INDEX kpi_red_counts_pkey RENAME TO kpi_scope_counts_pkey;
ALTER TABLE kpi_scope_counts RENAME COLUMN outlets TO red_outlets;
ALTER TABLE kpi_scope_counts RENAME COLUMN staff TO red_staff;
ALTER TABLE kpi_scope_counts RENAME CONSTRAINT kpi_red_counts_outlets_check TO kpi_scope_counts_red_outlets_check;
ALTER TABLE kpi_scope_counts RENAME CONSTRAINT kpi_red_counts_staff_check TO kpi_scope_counts_red_staff_check;
ALTER TABLE kpi_scope_counts RENAME CONSTRAINT kpi_red_counts_tenant_id_fkey TO kpi_scope_counts_tenant_id_fkey;
ALTER TABLE kpi_scope_counts
    ADD COLUMN outlets integer CHECK (outlets >= 0),
    ADD COLUMN staff integer CHECK (staff >= 0);
