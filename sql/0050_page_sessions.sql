-- Sessions of the server-rendered pages (password login). The browser holds a random
-- session id in an HttpOnly cookie; only its SHA-256 is stored, like api_tokens' hashes.

CREATE TABLE page_sessions (
    tenant_id     bigint NOT NULL REFERENCES tenants (id),
    id            bigint GENERATED ALWAYS AS IDENTITY,
    user_id       bigint NOT NULL,
    session_hash  text NOT NULL UNIQUE CHECK (session_hash ~ '^[0-9a-f]{64}$'),
    created_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL,
    ended_at      timestamptz,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);
SELECT app_protect_tenant_table('page_sessions');

-- Who a presented session belongs to (before any tenant is set): only live sessions of enabled users.
CREATE FUNCTION app_principal_for_session(presented_hash text)
    RETURNS TABLE (tenant_id bigint, tenant_code text, tenant_name text, timezone text, currency text,
                   sla_high_hours integer, sla_medium_hours integer, sla_low_hours integer,
                   login text, role text, region_path text, outlet_code text, employee_no text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
    AS $$
    SELECT u.tenant_id, t.code, t.name, t.timezone, t.currency, t.sla_high_hours, t.sla_medium_hours, t.sla_low_hours,
           u.login, u.role, u.region_path, u.outlet_code, u.employee_no
    FROM page_sessions s
    JOIN users u ON u.tenant_id = s.tenant_id AND u.id = s.user_id
    JOIN tenants t ON t.id = u.tenant_id
    WHERE s.session_hash = presented_hash AND s.ended_at IS NULL AND s.expires_at > now() AND NOT u.disabled
    $$;
REVOKE ALL ON FUNCTION app_principal_for_session(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_principal_for_session(text) TO touchstone_app;

-- Logout, before any tenant is set: ends the presented session (a no-op for unknown ones).
CREATE FUNCTION app_end_session(presented_hash text) RETURNS void
    LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public
    AS $$
    UPDATE page_sessions SET ended_at = now() WHERE session_hash = presented_hash AND ended_at IS NULL
    $$;
REVOKE ALL ON FUNCTION app_end_session(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_end_session(text) TO touchstone_app;
