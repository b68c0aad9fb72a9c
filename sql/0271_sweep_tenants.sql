-- Every tenant, for the daemon's time-driven sweeps (SweepService: visits expire, overdue actions
-- are announced, complaint cases escalate). Like app_batch_schedules() and app_outbox_due(), a
-- cross-tenant look-up owned by touchstone_lookup (docs/security.md): it returns the columns
-- app_tenant_by_code() returns for one code, which touchstone_lookup may already read; the sweeps
-- then run inside each tenant under its row-level security.
CREATE FUNCTION app_tenants()
    RETURNS TABLE (id bigint, code text, name text, timezone text, currency text,
                   sla_high_hours integer, sla_medium_hours integer, sla_low_hours integer)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
    AS $$ SELECT id, code, name, timezone, currency, sla_high_hours, sla_medium_hours, sla_low_hours
          FROM tenants ORDER BY code $$;
REVOKE ALL ON FUNCTION app_tenants() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_tenants() TO touchstone_app;

-- Hand it over to touchstone_lookup as 0080 does for the other look-ups.
GRANT touchstone_lookup TO CURRENT_USER;
GRANT CREATE ON SCHEMA public TO touchstone_lookup;
ALTER FUNCTION app_tenants() OWNER TO touchstone_lookup;
REVOKE CREATE ON SCHEMA public FROM touchstone_lookup;
REVOKE touchstone_lookup FROM CURRENT_USER;
