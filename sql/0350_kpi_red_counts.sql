-- The overview's red counts, kept by the batch (issue #16: every page's first read ≤ 200 ms).
-- Counting them when the page is read meant, for a region manager of a national chain, joining
-- a fifth of the period's results with the region's 26,000 assigned staff: 150–240 ms a read.
--
-- One row per period, scope and KPI of the run: `region` is a region's path (its subtree) or ''
-- for the whole tenant; `outlets` and `staff` count the red outlet and staff results of the KPI,
-- within a region the outlets of its subtree and the staff assigned to one of them during the
-- period (as KPISummaryQueries counted them live). Every region of the tenant at the time of the
-- run has its rows, zero counts included, so a scope without rows is one the run did not know (a
-- region created since, a period computed before this migration): the page counts that one live.
-- The batch replaces a period's rows in its transaction, whether it recomputed all subjects or
-- only the changed ones; like the region results, they describe the organisation as of the run.
CREATE TABLE kpi_red_counts (
    tenant_id bigint NOT NULL REFERENCES tenants (id),
    period    text NOT NULL,
    region    text NOT NULL,
    kpi_code  text NOT NULL,
    outlets   integer NOT NULL CHECK (outlets >= 0),
    staff     integer NOT NULL CHECK (staff >= 0),
    PRIMARY KEY (tenant_id, period, region, kpi_code)
);
SELECT app_protect_tenant_table('kpi_red_counts');

-- The partial index of red results served only the live count: the batch's insert no longer
-- maintains it (1.2 s of a national chain's run). A live count (see above) reads the period's
-- results by the primary key instead.
DROP INDEX kpi_results_red;
