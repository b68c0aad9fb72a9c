-- Least privilege (docs/security.md). Before this migration the embedded default ran every
-- command as a superuser and switched to touchstone_app per transaction; a server whose
-- schema owner is an ordinary role could not create a tenant, and the cross-tenant look-ups
-- (SECURITY DEFINER, owned by the schema owner) read FORCE-RLS tables as a role subject to
-- them. Now: the schema owner only migrates and creates tenants; the daemon and every data
-- command log in as a member of touchstone_app; the look-ups belong to touchstone_lookup.

-- The runtime reads the migration ledger (readiness, "is the schema current?") and nothing
-- else outside its tenant.
GRANT SELECT ON schema_migrations TO touchstone_app;

-- Columns, not tables, where the runtime writes only some: a tenant's complaint SLA; a
-- user's profile, scope, password and state (never its tenant, id or login); a token's
-- revocation; a session's end. Users and tokens are disabled and revoked, never deleted.
REVOKE UPDATE ON tenants FROM touchstone_app;
GRANT UPDATE (sla_high_hours, sla_medium_hours, sla_low_hours) ON tenants TO touchstone_app;

REVOKE INSERT, UPDATE, DELETE ON users FROM touchstone_app;
GRANT INSERT (tenant_id, login, display_name, role, region_path, outlet_code, employee_no, password_hash, disabled)
    ON users TO touchstone_app;
GRANT UPDATE (display_name, role, region_path, outlet_code, employee_no, password_hash, disabled)
    ON users TO touchstone_app;

REVOKE INSERT, UPDATE, DELETE ON api_tokens FROM touchstone_app;
GRANT INSERT (tenant_id, user_id, token_hash, label, expires_at) ON api_tokens TO touchstone_app;
GRANT UPDATE (revoked_at) ON api_tokens TO touchstone_app;

REVOKE INSERT, UPDATE ON page_sessions FROM touchstone_app;
GRANT INSERT (tenant_id, user_id, session_hash, expires_at) ON page_sessions TO touchstone_app;
GRANT UPDATE (ended_at) ON page_sessions TO touchstone_app;

-- The look-ups that must cross tenants run as touchstone_lookup: it may read exactly the
-- columns they return or test, through policies that apply to it alone, and end a session.
-- Nobody is a member of it and it cannot log in, so only these functions act as it.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'touchstone_lookup') THEN
        BEGIN
            CREATE ROLE touchstone_lookup NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;
        END;
    END IF;
END
$$;

GRANT SELECT (id, code, name, timezone, currency, sla_high_hours, sla_medium_hours, sla_low_hours)
    ON tenants TO touchstone_lookup;
GRANT SELECT (tenant_id, id, login, role, region_path, outlet_code, employee_no, disabled) ON users TO touchstone_lookup;
GRANT SELECT (tenant_id, user_id, token_hash, expires_at, revoked_at) ON api_tokens TO touchstone_lookup;
GRANT SELECT (tenant_id, user_id, session_hash, expires_at, ended_at) ON page_sessions TO touchstone_lookup;
GRANT UPDATE (ended_at) ON page_sessions TO touchstone_lookup;

CREATE POLICY cross_tenant_lookup ON tenants FOR SELECT TO touchstone_lookup USING (true);
CREATE POLICY cross_tenant_lookup ON users FOR SELECT TO touchstone_lookup USING (true);
CREATE POLICY cross_tenant_lookup ON api_tokens FOR SELECT TO touchstone_lookup USING (true);
CREATE POLICY cross_tenant_lookup ON page_sessions FOR SELECT TO touchstone_lookup USING (true);
CREATE POLICY cross_tenant_logout ON page_sessions FOR UPDATE TO touchstone_lookup USING (true) WITH CHECK (true);

-- Hand the functions over. ALTER … OWNER needs membership in the new owner and its CREATE
-- right on the schema, both held only for these statements. A later migration that
-- replaces one of these functions must do the same.
GRANT touchstone_lookup TO CURRENT_USER;
GRANT CREATE ON SCHEMA public TO touchstone_lookup;
ALTER FUNCTION app_tenant_by_code(text) OWNER TO touchstone_lookup;
ALTER FUNCTION app_principal_for_token(text) OWNER TO touchstone_lookup;
ALTER FUNCTION app_principal_for_session(text) OWNER TO touchstone_lookup;
ALTER FUNCTION app_end_session(text) OWNER TO touchstone_lookup;
REVOKE CREATE ON SCHEMA public FROM touchstone_lookup;
REVOKE touchstone_lookup FROM CURRENT_USER;
