-- Foundation: tenants, the org tree, outlets, staff and their assignment history.
--
-- Every tenant-owned table carries tenant_id as the first column of its primary key
-- (ready for row-level security and for a Citus-style distribution by tenant).
-- The daemon works as the role touchstone_app, which owns nothing; row-level
-- security is enabled and forced on every tenant table and reads the tenant from
-- the transaction-local setting app.tenant_id (unset: no rows, fail closed).

CREATE EXTENSION IF NOT EXISTS btree_gist;

DO $$
BEGIN
    -- Roles belong to the cluster, not the database: another database may create it concurrently.
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'touchstone_app') THEN
        BEGIN
            CREATE ROLE touchstone_app NOLOGIN NOSUPERUSER NOBYPASSRLS;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;
        END;
    END IF;
END
$$;

-- The tenant of the current transaction, or NULL when none is set.
CREATE FUNCTION app_current_tenant() RETURNS bigint
    LANGUAGE sql STABLE
    AS $$ SELECT NULLIF(current_setting('app.tenant_id', true), '')::bigint $$;

-- Enables and forces row-level security on a tenant table, with one policy that
-- restricts every command to the current tenant's rows, and grants the runtime role.
CREATE FUNCTION app_protect_tenant_table(table_name regclass) RETURNS void
    LANGUAGE plpgsql
    AS $$
BEGIN
    EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', table_name);
    EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', table_name);
    EXECUTE format(
        'CREATE POLICY tenant_isolation ON %s USING (tenant_id = app_current_tenant()) '
        'WITH CHECK (tenant_id = app_current_tenant())', table_name);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO touchstone_app', table_name);
END
$$;

CREATE TABLE tenants (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code            text NOT NULL UNIQUE CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$'),
    name            text NOT NULL,
    timezone        text NOT NULL DEFAULT 'Asia/Shanghai',
    currency        text NOT NULL DEFAULT 'CNY' CHECK (currency ~ '^[A-Z]{3}$'),
    sla_high_hours   integer NOT NULL DEFAULT 24 CHECK (sla_high_hours > 0),
    sla_medium_hours integer NOT NULL DEFAULT 48 CHECK (sla_medium_hours > 0),
    sla_low_hours    integer NOT NULL DEFAULT 72 CHECK (sla_low_hours > 0),
    created_at      timestamptz NOT NULL DEFAULT now()
);
-- The runtime role sees only its own tenant's row.
ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tenants USING (id = app_current_tenant());
GRANT SELECT, UPDATE ON tenants TO touchstone_app;

-- Resolves a tenant code to its id before any tenant is set (the only cross-tenant read).
CREATE FUNCTION app_tenant_by_code(tenant_code text)
    RETURNS TABLE (id bigint, code text, name text, timezone text, currency text,
                   sla_high_hours integer, sla_medium_hours integer, sla_low_hours integer)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
    AS $$ SELECT id, code, name, timezone, currency, sla_high_hours, sla_medium_hours, sla_low_hours
          FROM tenants WHERE tenants.code = tenant_code $$;
REVOKE ALL ON FUNCTION app_tenant_by_code(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_tenant_by_code(text) TO touchstone_app;

-- Org tree: head office → regions → areas → … ; an outlet hangs under one node.
CREATE TABLE regions (
    tenant_id   bigint NOT NULL REFERENCES tenants (id),
    id          bigint GENERATED ALWAYS AS IDENTITY,
    parent_id   bigint,
    name        text NOT NULL CHECK (name <> '' AND position('/' in name) = 0),
    path        text NOT NULL,
    depth       integer NOT NULL,
    -- ids from the top node down to this one (inclusive): the subtree test is `id = ANY(ancestors)`.
    ancestors   bigint[] NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, path),
    FOREIGN KEY (tenant_id, parent_id) REFERENCES regions (tenant_id, id)
);
SELECT app_protect_tenant_table('regions');

CREATE TABLE outlets (
    tenant_id   bigint NOT NULL REFERENCES tenants (id),
    id          bigint GENERATED ALWAYS AS IDENTITY,
    code        text NOT NULL CHECK (code <> ''),
    name        text NOT NULL,
    type        text,
    region_id   bigint NOT NULL,
    opened_on   date,
    closed_on   date,
    city        text,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, code),
    FOREIGN KEY (tenant_id, region_id) REFERENCES regions (tenant_id, id),
    CHECK (closed_on IS NULL OR opened_on IS NULL OR closed_on >= opened_on)
);
SELECT app_protect_tenant_table('outlets');

CREATE TABLE staff (
    tenant_id   bigint NOT NULL REFERENCES tenants (id),
    id          bigint GENERATED ALWAYS AS IDENTITY,
    employee_no text NOT NULL CHECK (employee_no <> ''),
    name        text NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, employee_no)
);
SELECT app_protect_tenant_table('staff');

-- Who worked where, in which role, from when to when (end NULL = still there).
CREATE TABLE assignments (
    tenant_id    bigint NOT NULL REFERENCES tenants (id),
    staff_id     bigint NOT NULL,
    start_date   date NOT NULL,
    end_date     date,
    role         text NOT NULL CHECK (role <> ''),
    outlet_id    bigint NOT NULL,
    target_bonus numeric CHECK (target_bonus >= 0),
    PRIMARY KEY (tenant_id, staff_id, start_date),
    FOREIGN KEY (tenant_id, staff_id) REFERENCES staff (tenant_id, id),
    FOREIGN KEY (tenant_id, outlet_id) REFERENCES outlets (tenant_id, id),
    CHECK (end_date IS NULL OR end_date >= start_date),
    CONSTRAINT assignments_no_overlap EXCLUDE USING gist (
        tenant_id WITH =, staff_id WITH =, daterange(start_date, end_date, '[]') WITH &&)
);
CREATE INDEX assignments_outlet ON assignments (tenant_id, outlet_id);
SELECT app_protect_tenant_table('assignments');

GRANT EXECUTE ON FUNCTION app_current_tenant() TO touchstone_app;

-- Creates the org-tree nodes of the given `/`-separated paths (and all their parents)
-- for the current tenant, top down; existing nodes are kept.
CREATE FUNCTION app_ensure_region_paths(paths text[]) RETURNS void
    LANGUAGE plpgsql
    AS $$
DECLARE
    max_depth integer;
BEGIN
    SELECT max(cardinality(string_to_array(p, '/'))) INTO max_depth FROM unnest(paths) AS p;
    FOR d IN 1..coalesce(max_depth, 0) LOOP
        INSERT INTO regions (tenant_id, parent_id, name, path, depth, ancestors)
        SELECT DISTINCT app_current_tenant(), parent.id, s.parts[d], array_to_string(s.parts[1:d], '/'), d, '{}'::bigint[]
        FROM (SELECT string_to_array(p, '/') AS parts FROM unnest(paths) AS p) AS s
        LEFT JOIN regions parent
               ON d > 1 AND parent.tenant_id = app_current_tenant()
              AND parent.path = array_to_string(s.parts[1:d - 1], '/')
        WHERE cardinality(s.parts) >= d
        ON CONFLICT (tenant_id, path) DO NOTHING;

        UPDATE regions r
        SET ancestors = coalesce((SELECT p.ancestors FROM regions p
                                  WHERE p.tenant_id = r.tenant_id AND p.id = r.parent_id), '{}') || r.id
        WHERE r.tenant_id = app_current_tenant() AND r.depth = d AND r.ancestors = '{}';
    END LOOP;
END
$$;
