-- Audit visibility without a look-up per row (issue #17). Since 0210 the 'agency' case of
-- app_audit_visible ran an EXISTS over users for every audit row, which also made the function
-- impossible for the planner to inline (a body with a sub-query is never inlined): every audit
-- query, whatever its scope, called it row by row. Now the agency's auditors are an argument,
-- looked up once per statement by the caller (`(SELECT app_agency_auditors(…))`, an init plan;
-- AuditScope.arguments), and the function reads no table: IMMUTABLE and inlined again, as 0010
-- and 0090 meant it. Same answers: an agency coordinator sees the audits uploaded by the auditors
-- of its agency; a coordinator that is disabled, or not a coordinator, sees none.

-- The logins of the auditors of the agency of coordinator `coordinator` (app_coordinator_agency,
-- 0210); empty when it is no enabled coordinator. Never NULL.
CREATE FUNCTION app_agency_auditors(coordinator text) RETURNS text[]
    LANGUAGE sql STABLE
    AS $$
    SELECT ARRAY(SELECT a.login FROM users a
                 WHERE a.tenant_id = app_current_tenant() AND a.role = 'auditor'
                   AND a.agency_code = app_coordinator_agency(coordinator))
    $$;
GRANT EXECUTE ON FUNCTION app_agency_auditors(text) TO touchstone_app;

-- Whether an audit is visible in a scope (AuditScope in the store). `scope_auditors` is
-- app_agency_auditors(scope_value) for the 'agency' scope and not used by the others.
CREATE FUNCTION app_audit_visible(scope_kind text, scope_value text, scope_auditors text[], submitted_by text,
                                  outlet_code text, region_path text, served_by_no text, state text) RETURNS boolean
    LANGUAGE sql IMMUTABLE
    AS $$
    SELECT CASE scope_kind
        WHEN 'all' THEN true
        WHEN 'submitter' THEN submitted_by = scope_value
        WHEN 'region' THEN app_in_region_subtree(region_path, scope_value)
        WHEN 'outlet' THEN outlet_code = scope_value AND state IN ('released', 'disputed', 'final')
        WHEN 'staff' THEN served_by_no = scope_value AND state IN ('released', 'final')
        WHEN 'agency' THEN submitted_by = ANY (scope_auditors)
        ELSE false
    END
    $$;
GRANT EXECUTE ON FUNCTION app_audit_visible(text, text, text[], text, text, text, text, text) TO touchstone_app;

-- The per-row form is gone: this build calls the one above (an older build refuses a newer schema).
DROP FUNCTION app_audit_visible(text, text, text, text, text, text, text);
