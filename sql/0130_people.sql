-- People and access in the pages (docs/people.md). An admin who resets a password marks the
-- user "must change password": the page session look-up reports it, and until the user sets a
-- new one the pages lead nowhere but the change-password form. The tokens list shows when each
-- token was last used.

ALTER TABLE users ADD COLUMN must_change_password boolean NOT NULL DEFAULT false;

-- The runtime adds users and resets passwords from the pages: it may write the new flag, and
-- nothing more than 0080 already granted (never a user's tenant, id or login after the fact).
GRANT INSERT (must_change_password), UPDATE (must_change_password) ON users TO touchstone_app;

-- The session look-up returns the flag, so touchstone_lookup reads that one column more.
GRANT SELECT (must_change_password) ON users TO touchstone_lookup;

-- A new result column changes the function's type: drop and create it again, then hand it to
-- touchstone_lookup as 0080 did (membership and CREATE only for these statements).
DROP FUNCTION app_principal_for_session(text);
CREATE FUNCTION app_principal_for_session(presented_hash text)
    RETURNS TABLE (tenant_id bigint, tenant_code text, tenant_name text, timezone text, currency text,
                   sla_high_hours integer, sla_medium_hours integer, sla_low_hours integer,
                   login text, role text, region_path text, outlet_code text, employee_no text,
                   must_change_password boolean)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
    AS $$
    SELECT u.tenant_id, t.code, t.name, t.timezone, t.currency, t.sla_high_hours, t.sla_medium_hours, t.sla_low_hours,
           u.login, u.role, u.region_path, u.outlet_code, u.employee_no, u.must_change_password
    FROM page_sessions s
    JOIN users u ON u.tenant_id = s.tenant_id AND u.id = s.user_id
    JOIN tenants t ON t.id = u.tenant_id
    WHERE s.session_hash = presented_hash AND s.ended_at IS NULL AND s.expires_at > now() AND NOT u.disabled
    $$;
REVOKE ALL ON FUNCTION app_principal_for_session(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_principal_for_session(text) TO touchstone_app;

GRANT touchstone_lookup TO CURRENT_USER;
GRANT CREATE ON SCHEMA public TO touchstone_lookup;
ALTER FUNCTION app_principal_for_session(text) OWNER TO touchstone_lookup;
REVOKE CREATE ON SCHEMA public FROM touchstone_lookup;
REVOKE touchstone_lookup FROM CURRENT_USER;

-- When a token was last used: the daemon records it when it looks a token up in the database
-- (at most every 30 seconds per token and daemon, its cache's lifetime). The runtime may set that
-- column and no other new one; a use is not a change worth a change-log row, so the token
-- triggers are attached again leaving the column out (like the hash).
ALTER TABLE api_tokens ADD COLUMN last_used_at timestamptz;
GRANT UPDATE (last_used_at) ON api_tokens TO touchstone_app;
DROP TRIGGER change_log_insert ON api_tokens;
DROP TRIGGER change_log_update ON api_tokens;
DROP TRIGGER change_log_delete ON api_tokens;
SELECT app_log_table_changes('api_tokens', 'token', 'r.id::text', '{INSERT,UPDATE,DELETE}', '{token_hash,last_used_at}');
