-- The batch runs itself (docs/kpi-batch.md "Schedule", docs/security.md "The look-ups that
-- cross tenants"): each tenant says when, the daemon finds who is due through one look-up
-- owned by touchstone_lookup, and claims each run once across daemons.

-- When: the first run on batch_day (1–28) at batch_minute (minutes after local midnight) for
-- the previous month, then daily at that time until the period is closed. batch_day NULL: off.
-- batch_since: when the schedule was set; run times before it are not caught up.
ALTER TABLE tenants
    ADD COLUMN batch_day integer DEFAULT 3 CHECK (batch_day BETWEEN 1 AND 28),
    ADD COLUMN batch_minute integer NOT NULL DEFAULT 120 CHECK (batch_minute BETWEEN 0 AND 1439),
    ADD COLUMN batch_since timestamptz NOT NULL DEFAULT now();
GRANT UPDATE (batch_day, batch_minute, batch_since) ON tenants TO touchstone_app;
GRANT SELECT (batch_day, batch_minute, batch_since) ON tenants TO touchstone_lookup;

-- One row per scheduled run: the primary key is the "exactly once" across daemons (a second
-- daemon's insert of the same tenant, period and day does nothing). A run cancelled by a
-- shutdown deletes its claim, so another daemon takes the slot over; nothing updates a claim.
CREATE TABLE batch_schedule_claims (
    tenant_id  bigint NOT NULL REFERENCES tenants (id),
    period     text NOT NULL,
    day        date NOT NULL,
    claimed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (tenant_id, period, day)
);
SELECT app_protect_tenant_table('batch_schedule_claims');
REVOKE UPDATE ON batch_schedule_claims FROM touchstone_app;

-- Which tenants have a schedule, and what it is: the scheduler's only cross-tenant read. It
-- returns the schedule and what is needed to compute it (code, time zone), nothing else; the
-- runtime then works inside each tenant (period state, claim, batch) under row-level security.
CREATE FUNCTION app_batch_schedules()
    RETURNS TABLE (code text, timezone text, batch_day integer, batch_minute integer, batch_since timestamptz)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
    AS $$ SELECT code, timezone, batch_day, batch_minute, batch_since FROM tenants WHERE batch_day IS NOT NULL ORDER BY code $$;
REVOKE ALL ON FUNCTION app_batch_schedules() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_batch_schedules() TO touchstone_app;

-- Hand it over to touchstone_lookup as 0080 does for the other look-ups.
GRANT touchstone_lookup TO CURRENT_USER;
GRANT CREATE ON SCHEMA public TO touchstone_lookup;
ALTER FUNCTION app_batch_schedules() OWNER TO touchstone_lookup;
REVOKE CREATE ON SCHEMA public FROM touchstone_lookup;
REVOKE touchstone_lookup FROM CURRENT_USER;
