-- Statistics that follow a large import at once. A chain loaded into a new tenant and its
-- month's batch run right after (what a new customer, a demo or a benchmark does) found the
-- planner without statistics for the tables just filled: autovacuum analyses them a minute or so
-- later. The batch's count of results per region then expected one staff member with
-- assignments, joined its 400,000 staff results to them by a nested loop over a materialised
-- CTE, and ran for more than 2 minutes without finishing (cancelled; with statistics the whole
-- first run takes 30 s; BENCHMARKS.md, 2026-12-04).
--
-- An import that changed more rows than autovacuum's own threshold (50 rows and 10% of the
-- table's last known size, its defaults) analyses the tables it wrote before it commits, as the
-- batch does for its results (app_analyze_kpi_results, sql/0320): ANALYZE counts the rows its
-- own transaction wrote. `tables` starts with the table whose rows `changed` counts (outlets,
-- staff, audits…); the others are written with it, in proportion (regions, assignments, an
-- audit's scores), and are analysed with it. The runtime role does not own the tables, so it
-- calls this function, which analyses only the imported tables named here.
CREATE FUNCTION app_analyze_after_import(tables text[], changed bigint) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public
    AS $$
DECLARE
    imported constant text[] := ARRAY['outlets', 'regions', 'staff', 'assignments', 'survey_responses', 'complaints', 'visits',
                                      'audits', 'audit_section_scores', 'audit_dimension_scores'];
    t        text;
BEGIN
    IF cardinality(tables) = 0 OR NOT tables <@ imported THEN
        RAISE EXCEPTION 'app_analyze_after_import: % are not imported tables', tables USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF changed <= 50 + 0.1 * (SELECT greatest(reltuples, 0) FROM pg_class WHERE oid = tables[1]::regclass) THEN
        RETURN false;
    END IF;
    FOREACH t IN ARRAY tables LOOP
        EXECUTE format('ANALYZE %I', t);
    END LOOP;
    RETURN true;
END
$$;
REVOKE ALL ON FUNCTION app_analyze_after_import(text[], bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_analyze_after_import(text[], bigint) TO touchstone_app;
