-- Late events (rules.md: events in a closed period are stored, flagged late). 0003's
-- app_is_late() ran a query per row; an import of 1,000,000 survey responses spent about a
-- quarter of its merge there. app_closed_span() is the union of the current tenant's closed
-- periods as instant ranges, cut in the tenant's time zone; a bulk statement reads it once
-- (an uncorrelated subquery) and tests each row with <@. app_is_late() keeps its meaning and
-- now uses the same definition, for the single-row writers (audit uploads).
CREATE FUNCTION app_closed_span() RETURNS tstzmultirange
    LANGUAGE sql STABLE
    AS $$
    SELECT coalesce(range_agg(tstzrange(p.first_day AT TIME ZONE t.timezone,
                                        (p.first_day + p.length) AT TIME ZONE t.timezone)),
                    '{}'::tstzmultirange)
    FROM (SELECT tenant_id,
                 CASE WHEN period LIKE '%Q%'
                      THEN make_date(left(period, 4)::integer, (right(period, 1)::integer - 1) * 3 + 1, 1)
                      ELSE to_date(period, 'YYYY-MM') END::timestamp AS first_day,
                 CASE WHEN period LIKE '%Q%' THEN interval '3 months' ELSE interval '1 month' END AS length
          FROM periods
          WHERE tenant_id = app_current_tenant() AND state = 'closed') AS p
    JOIN tenants t ON t.id = p.tenant_id
    $$;

CREATE OR REPLACE FUNCTION app_is_late(at timestamptz) RETURNS boolean
    LANGUAGE sql STABLE
    AS $$ SELECT at <@ app_closed_span() $$;
