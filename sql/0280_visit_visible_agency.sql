-- Visit visibility without a look-up per row, as 0270 did for audits. Since 0210 the 'agency'
-- case of app_visit_visible ran an EXISTS over users for every visit row, which also kept the
-- planner from inlining the function for any scope. Now the coordinator's agency and its
-- auditors are arguments, looked up once per statement by the caller (init plans;
-- VisitScope.arguments), and the function reads no table: IMMUTABLE and inlined. Same answers:
-- a coordinator sees the visits planned for its agency and those held by its agency's auditors;
-- a coordinator that is disabled, or not a coordinator, sees none.
CREATE FUNCTION app_visit_visible(scope_kind text, scope_value text, scope_agency text, scope_auditors text[],
                                  auditor text, agency text) RETURNS boolean
    LANGUAGE sql IMMUTABLE
    AS $$
    SELECT CASE scope_kind
        WHEN 'all' THEN true
        WHEN 'auditor' THEN auditor = scope_value
        WHEN 'agency' THEN agency = scope_agency OR auditor = ANY (scope_auditors)
        ELSE false
    END
    $$;
GRANT EXECUTE ON FUNCTION app_visit_visible(text, text, text, text[], text, text) TO touchstone_app;

-- The per-row form is gone: this build calls the one above (an older build refuses a newer schema).
DROP FUNCTION app_visit_visible(text, text, text, text);
