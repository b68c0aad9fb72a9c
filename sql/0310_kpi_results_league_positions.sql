-- League tables: the batch stores each outlet's and staff member's place in the whole chain's
-- league of every KPI, so that the first read of a league page is an index range read of 100
-- rows rather than a sort of the whole table (100,000 staff on a national chain).
--   league_rank      1 for the best value (by the KPI's direction); equal values share a rank;
--                    NULL for an insufficient result (rules.md §4), as the league API ranks.
--   league_position  1, 2, 3 … in the API's order: sufficient results best first, then the
--                    insufficient ones, ties by subject (byte order).
-- Both are NULL for regions and the tenant, and for results computed before this migration
-- (those periods' leagues are ranked when read, as before).
ALTER TABLE kpi_results ADD COLUMN league_rank integer, ADD COLUMN league_position integer;

-- The same leading columns as kpi_results_kpi, which it replaces: one index, not two.
CREATE INDEX kpi_results_league ON kpi_results (tenant_id, period, kpi_code, level, league_position);
DROP INDEX kpi_results_kpi;
