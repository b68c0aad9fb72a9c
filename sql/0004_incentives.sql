-- Incentive plans (versioned) and the payouts each batch run computes from them.

CREATE TABLE plans (
    tenant_id   bigint NOT NULL REFERENCES tenants (id),
    code        text NOT NULL,
    version     integer NOT NULL CHECK (version > 0),
    name        text NOT NULL,
    definition  jsonb NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, code, version)
);
SELECT app_protect_tenant_table('plans');

-- One row per person, plan and period. adjusts_period: set on adjustment rows emitted
-- for late events of a closed period (the difference they make, paid in this period).
CREATE TABLE payouts (
    tenant_id       bigint NOT NULL REFERENCES tenants (id),
    period          text NOT NULL,
    employee_no     text NOT NULL,
    plan_code       text NOT NULL,
    adjusts_period  text NOT NULL DEFAULT '',
    plan_version    integer NOT NULL,
    name            text NOT NULL,
    prorated_target numeric NOT NULL,
    score_pct       numeric NOT NULL,
    payout          numeric NOT NULL,
    currency        text NOT NULL,
    note            text NOT NULL DEFAULT '',
    explanation     jsonb NOT NULL,
    job_id          bigint NOT NULL,
    approved_by     text,
    approved_at     timestamptz,
    PRIMARY KEY (tenant_id, period, employee_no, plan_code, adjusts_period),
    FOREIGN KEY (tenant_id, plan_code, plan_version) REFERENCES plans (tenant_id, code, version)
);
SELECT app_protect_tenant_table('payouts');
CREATE TRIGGER payouts_closed BEFORE INSERT OR UPDATE OR DELETE ON payouts
    FOR EACH ROW EXECUTE FUNCTION app_refuse_closed_period();

-- A plan version that paid a closed period is immutable.
CREATE FUNCTION app_plan_immutable() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM payouts pay JOIN periods p
                 ON p.tenant_id = pay.tenant_id AND p.period = pay.period AND p.state = 'closed'
               WHERE pay.tenant_id = OLD.tenant_id AND pay.plan_code = OLD.code
                 AND pay.plan_version = OLD.version) THEN
        RAISE EXCEPTION 'plan % version % paid a closed period and cannot change', OLD.code, OLD.version
            USING ERRCODE = 'TS002', HINT = 'add a new version instead';
    END IF;
    RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END
$$;
CREATE TRIGGER plans_immutable BEFORE UPDATE OR DELETE ON plans
    FOR EACH ROW EXECUTE FUNCTION app_plan_immutable();

-- Append-only record of every change: who, when, what, before and after.
CREATE TABLE change_log (
    tenant_id   bigint NOT NULL REFERENCES tenants (id),
    id          bigint GENERATED ALWAYS AS IDENTITY,
    at          timestamptz NOT NULL DEFAULT now(),
    actor       text NOT NULL,
    action      text NOT NULL,
    entity      text NOT NULL,
    entity_key  text NOT NULL,
    before      jsonb,
    after       jsonb,
    PRIMARY KEY (tenant_id, id)
);
ALTER TABLE change_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE change_log FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON change_log
    USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT ON change_log TO touchstone_app;
