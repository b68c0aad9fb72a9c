-- The monthly KPI batch (Sources/TouchstoneStore/Batch): the status rule of rules.md §4
-- as one function, used by every statement that writes kpi_results.

-- insufficient when n < min_sample; otherwise green/amber/red by direction, target and threshold.
CREATE FUNCTION app_kpi_status(value numeric, n bigint, direction text, threshold numeric, target numeric, min_sample integer)
    RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
    SELECT CASE
        WHEN n < min_sample THEN 'insufficient'
        WHEN direction = 'higher' THEN
            CASE WHEN value >= target THEN 'green' WHEN value >= threshold THEN 'amber' ELSE 'red' END
        ELSE
            CASE WHEN value <= target THEN 'green' WHEN value <= threshold THEN 'amber' ELSE 'red' END
    END
    $$;

-- Jobs of a tenant, newest first.
CREATE INDEX batch_jobs_period ON batch_jobs (tenant_id, period, id DESC);
