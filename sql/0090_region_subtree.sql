-- One definition of a region's subtree, used by every query that scopes by region (outlets,
-- staff, KPI leagues and summaries, audit visibility): the node itself and the paths below it.
-- Plain comparisons, so `_` and `%` in a region's name are literal (a manager of `R_1` does not
-- see `RX1/…`, as `LIKE 'R_1' || '/%'` did). The Swift twin is RegionSubtree.contains in the core.
-- A single-expression IMMUTABLE SQL function: the planner inlines it.
CREATE FUNCTION app_in_region_subtree(path text, root text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT path = root OR left(path, length(root) + 1) = root || '/' $$;
REVOKE ALL ON FUNCTION app_in_region_subtree(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_in_region_subtree(text, text) TO touchstone_app;

-- Audit visibility (sql/0010) with the region scope through the one definition.
CREATE OR REPLACE FUNCTION app_audit_visible(scope_kind text, scope_value text, submitted_by text, outlet_code text,
                                             region_path text, served_by_no text, state text) RETURNS boolean
    LANGUAGE sql IMMUTABLE
    AS $$
    SELECT CASE scope_kind
        WHEN 'all' THEN true
        WHEN 'submitter' THEN submitted_by = scope_value
        WHEN 'region' THEN app_in_region_subtree(region_path, scope_value)
        WHEN 'outlet' THEN outlet_code = scope_value AND state IN ('released', 'disputed', 'final')
        WHEN 'staff' THEN served_by_no = scope_value AND state IN ('released', 'final')
        ELSE false
    END
    $$;
