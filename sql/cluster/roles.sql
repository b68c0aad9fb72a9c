-- Touchstone's database roles. Roles belong to the whole PostgreSQL cluster, so this runs
-- once per cluster, as a superuser or a role with CREATEROLE, before `touchstone migrate`:
--
--     psql -v ON_ERROR_STOP=1 -f sql/cluster/roles.sql
--     psql -c "ALTER ROLE touchstone_owner PASSWORD '…'"      # or \password touchstone_owner
--     psql -c "ALTER ROLE touchstone_runtime PASSWORD '…'"
--     psql -c "CREATE DATABASE touchstone OWNER touchstone_owner"
--
-- It is idempotent: running it again changes nothing. The embedded cluster runs the same file.
--
--   touchstone_owner    LOGIN. Owns the schema: `touchstone migrate` and `touchstone tenant
--                       create` log in as it. An ordinary role (no SUPERUSER, no BYPASSRLS);
--                       CREATEROLE only so that migrations can create and hand over the two
--                       NOLOGIN roles below. Row-level security is forced on it too.
--   touchstone_app      NOLOGIN. Owns nothing. Holds the runtime's grants (tables, columns,
--                       functions); row-level security confines it to one tenant per
--                       transaction.
--   touchstone_runtime  LOGIN, a member of touchstone_app and of nothing else. The daemon and
--                       every data command log in as it. It cannot SET ROLE to anything but
--                       touchstone_app, which has no more rights than it already inherits.
--   touchstone_lookup   NOLOGIN, nobody's member. Owns the few SECURITY DEFINER functions
--                       that must look across tenants before a tenant is known (a tenant
--                       code, a token, a session); it may read exactly the columns they
--                       need (docs/security.md).
DO $$
DECLARE
    wanted constant text[][] := ARRAY[
        ['touchstone_owner',   'LOGIN CREATEROLE NOSUPERUSER NOBYPASSRLS NOCREATEDB NOREPLICATION'],
        ['touchstone_app',     'NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION'],
        ['touchstone_lookup',  'NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION'],
        ['touchstone_runtime', 'LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION INHERIT']];
    i integer;
BEGIN
    FOR i IN 1 .. array_length(wanted, 1) LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = wanted[i][1]) THEN
            BEGIN
                EXECUTE format('CREATE ROLE %I %s', wanted[i][1], wanted[i][2]);
            EXCEPTION WHEN duplicate_object OR unique_violation THEN
                NULL;  -- created meanwhile by a concurrent caller
            END;
        END IF;
    END LOOP;
    IF NOT pg_has_role('touchstone_runtime', 'touchstone_app', 'MEMBER') THEN
        GRANT touchstone_app TO touchstone_runtime;
    END IF;
END
$$;
