-- Users, their roles and scopes, and API tokens (stored only as SHA-256 hashes).

CREATE TABLE users (
    tenant_id     bigint NOT NULL REFERENCES tenants (id),
    id            bigint GENERATED ALWAYS AS IDENTITY,
    login         text NOT NULL CHECK (login ~ '^[A-Za-z0-9][A-Za-z0-9_.@/-]{0,127}$'),
    display_name  text NOT NULL,
    role          text NOT NULL CHECK (role IN ('admin', 'analyst', 'region_manager', 'outlet_manager', 'auditor', 'staff')),
    -- Scope: the region subtree, the outlet or the employee the user may see, by role.
    region_path   text,
    outlet_code   text,
    employee_no   text,
    password_hash text,
    disabled      boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, login),
    CHECK (role <> 'region_manager' OR region_path IS NOT NULL),
    CHECK (role <> 'outlet_manager' OR outlet_code IS NOT NULL),
    CHECK (role <> 'staff' OR employee_no IS NOT NULL)
);
SELECT app_protect_tenant_table('users');

CREATE TABLE api_tokens (
    tenant_id    bigint NOT NULL REFERENCES tenants (id),
    id           bigint GENERATED ALWAYS AS IDENTITY,
    user_id      bigint NOT NULL,
    token_hash   text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
    label        text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    revoked_at   timestamptz,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);
SELECT app_protect_tenant_table('api_tokens');

-- Who a presented token belongs to (before any tenant is set): only live tokens of enabled users.
CREATE FUNCTION app_principal_for_token(presented_hash text)
    RETURNS TABLE (tenant_id bigint, tenant_code text, tenant_name text, timezone text, currency text,
                   sla_high_hours integer, sla_medium_hours integer, sla_low_hours integer,
                   login text, role text, region_path text, outlet_code text, employee_no text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
    AS $$
    SELECT u.tenant_id, t.code, t.name, t.timezone, t.currency, t.sla_high_hours, t.sla_medium_hours, t.sla_low_hours,
           u.login, u.role, u.region_path, u.outlet_code, u.employee_no
    FROM api_tokens k
    JOIN users u ON u.tenant_id = k.tenant_id AND u.id = k.user_id
    JOIN tenants t ON t.id = u.tenant_id
    WHERE k.token_hash = presented_hash AND k.revoked_at IS NULL AND k.expires_at > now() AND NOT u.disabled
    $$;
REVOKE ALL ON FUNCTION app_principal_for_token(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_principal_for_token(text) TO touchstone_app;
