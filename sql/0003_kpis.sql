-- Customer callbacks, complaints, KPI definitions, periods, batch jobs and KPI results.

CREATE TABLE survey_responses (
    tenant_id    bigint NOT NULL REFERENCES tenants (id),
    response_id  text NOT NULL,
    outlet_id    bigint NOT NULL,
    staff_id     bigint,
    responded_at timestamptz NOT NULL,
    channel      text,
    sat          smallint NOT NULL CHECK (sat BETWEEN 1 AND 5),
    nps          smallint CHECK (nps BETWEEN 0 AND 10),
    late         boolean NOT NULL DEFAULT false,
    PRIMARY KEY (tenant_id, response_id),
    FOREIGN KEY (tenant_id, outlet_id) REFERENCES outlets (tenant_id, id),
    FOREIGN KEY (tenant_id, staff_id) REFERENCES staff (tenant_id, id)
);
CREATE INDEX survey_responses_time ON survey_responses (tenant_id, responded_at);
SELECT app_protect_tenant_table('survey_responses');

CREATE TABLE complaints (
    tenant_id         bigint NOT NULL REFERENCES tenants (id),
    complaint_id      text NOT NULL,
    outlet_id         bigint NOT NULL,
    staff_id          bigint,
    severity          text NOT NULL CHECK (severity IN ('high', 'medium', 'low')),
    opened_at         timestamptz NOT NULL,
    first_response_at timestamptz CHECK (first_response_at >= opened_at),
    resolved_at       timestamptz CHECK (resolved_at >= opened_at),
    late              boolean NOT NULL DEFAULT false,
    PRIMARY KEY (tenant_id, complaint_id),
    FOREIGN KEY (tenant_id, outlet_id) REFERENCES outlets (tenant_id, id),
    FOREIGN KEY (tenant_id, staff_id) REFERENCES staff (tenant_id, id)
);
CREATE INDEX complaints_time ON complaints (tenant_id, opened_at);
SELECT app_protect_tenant_table('complaints');

CREATE TABLE kpi_definitions (
    tenant_id     bigint NOT NULL REFERENCES tenants (id),
    code          text NOT NULL,
    name          text NOT NULL,
    metric        text NOT NULL,
    template_code text,
    direction     text NOT NULL CHECK (direction IN ('higher', 'lower')),
    unit          text,
    threshold     numeric NOT NULL,
    target        numeric NOT NULL,
    stretch       numeric,
    min_sample    integer NOT NULL DEFAULT 1 CHECK (min_sample >= 0),
    definition    jsonb NOT NULL,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, code)
);
SELECT app_protect_tenant_table('kpi_definitions');

-- A period is open until head office closes it; closing is final.
CREATE TABLE periods (
    tenant_id    bigint NOT NULL REFERENCES tenants (id),
    period       text NOT NULL CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2]|Q[1-4])$'),
    state        text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed')),
    closed_at    timestamptz,
    closed_by    text,
    results_hash text,
    PRIMARY KEY (tenant_id, period)
);
SELECT app_protect_tenant_table('periods');

-- Whether an instant falls in a closed period (month or quarter) of the current tenant,
-- cut in the tenant's time zone: such events are stored and flagged late.
CREATE FUNCTION app_is_late(at timestamptz) RETURNS boolean
    LANGUAGE sql STABLE
    AS $$
    SELECT EXISTS (
        SELECT 1 FROM periods p JOIN tenants t ON t.id = p.tenant_id
        WHERE p.tenant_id = app_current_tenant() AND p.state = 'closed'
          AND p.period IN (to_char(at AT TIME ZONE t.timezone, 'YYYY-MM'),
                           to_char(at AT TIME ZONE t.timezone, 'YYYY-"Q"Q')))
    $$;

CREATE TABLE batch_jobs (
    tenant_id    bigint NOT NULL REFERENCES tenants (id),
    id           bigint GENERATED ALWAYS AS IDENTITY,
    period       text NOT NULL,
    as_of        timestamptz NOT NULL,
    state        text NOT NULL CHECK (state IN ('running', 'succeeded', 'failed')),
    started_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    finished_at  timestamptz,
    kpi_rows     integer,
    payout_rows  integer,
    inputs       jsonb,
    error        text,
    started_by   text NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
SELECT app_protect_tenant_table('batch_jobs');

-- level: tenant, region, outlet, staff; subject: tenant code, region path, outlet code, employee_no.
CREATE TABLE kpi_results (
    tenant_id  bigint NOT NULL REFERENCES tenants (id),
    period     text NOT NULL,
    level      text NOT NULL CHECK (level IN ('tenant', 'region', 'outlet', 'staff')),
    subject    text NOT NULL,
    kpi_code   text NOT NULL,
    value      numeric NOT NULL,
    n          integer NOT NULL CHECK (n > 0),
    status     text NOT NULL CHECK (status IN ('green', 'amber', 'red', 'insufficient')),
    job_id     bigint NOT NULL,
    PRIMARY KEY (tenant_id, period, level, subject, kpi_code)
);
CREATE INDEX kpi_results_kpi ON kpi_results (tenant_id, period, kpi_code, level);
SELECT app_protect_tenant_table('kpi_results');

-- Refuses any change to the results of a closed period, whoever asks.
CREATE FUNCTION app_refuse_closed_period() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    row_tenant bigint;
    row_period text;
BEGIN
    IF TG_OP = 'DELETE' THEN
        row_tenant := OLD.tenant_id; row_period := OLD.period;
    ELSE
        row_tenant := NEW.tenant_id; row_period := NEW.period;
    END IF;
    IF EXISTS (SELECT 1 FROM periods p WHERE p.tenant_id = row_tenant
               AND p.period = row_period AND p.state = 'closed')
       OR (TG_OP = 'UPDATE' AND EXISTS (SELECT 1 FROM periods p WHERE p.tenant_id = OLD.tenant_id
               AND p.period = OLD.period AND p.state = 'closed')) THEN
        RAISE EXCEPTION 'period % is closed: its results cannot change', row_period
            USING ERRCODE = 'TS001';
    END IF;
    RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END
$$;
CREATE TRIGGER kpi_results_closed BEFORE INSERT OR UPDATE OR DELETE ON kpi_results
    FOR EACH ROW EXECUTE FUNCTION app_refuse_closed_period();

-- A closed period stays closed.
CREATE FUNCTION app_period_final() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF OLD.state = 'closed' THEN
        RAISE EXCEPTION 'period % is closed', OLD.period USING ERRCODE = 'TS001';
    END IF;
    RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END
$$;
CREATE TRIGGER periods_final BEFORE UPDATE OR DELETE ON periods
    FOR EACH ROW EXECUTE FUNCTION app_period_final();
