-- Corrective actions (整改, docs/actions.md): opened by a failed audit item, a red outlet KPI,
-- a breached complaint or by hand; worked on by the outlet, verified by head office or the
-- region manager. Every transition is a row of action_transitions.

CREATE TABLE actions (
    tenant_id     bigint NOT NULL REFERENCES tenants (id),
    id            bigint GENERATED ALWAYS AS IDENTITY,
    outlet_id     bigint NOT NULL,
    source        text NOT NULL CHECK (source IN ('audit', 'kpi', 'complaint', 'manual')),
    -- The source's link: audit × item, period × KPI (of the outlet), or complaint.
    audit_id      uuid,
    item_code     text,
    period        text,
    kpi_code      text,
    complaint_id  text,
    severity      text NOT NULL CHECK (severity IN ('high', 'medium', 'low')),
    title         text NOT NULL CHECK (title <> ''),
    -- The login responsible (the outlet's manager by default; NULL when the outlet has none).
    owner         text,
    state         text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'in_progress', 'submitted', 'verified', 'reopened')),
    opened_at     timestamptz NOT NULL,
    opened_by     text NOT NULL,
    due_at        timestamptz NOT NULL CHECK (due_at > opened_at),
    -- When it was last verified (NULL unless state = 'verified').
    verified_at   timestamptz,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, outlet_id) REFERENCES outlets (tenant_id, id),
    FOREIGN KEY (tenant_id, audit_id) REFERENCES audits (tenant_id, id),
    FOREIGN KEY (tenant_id, complaint_id) REFERENCES complaints (tenant_id, complaint_id),
    CHECK (source <> 'audit' OR (audit_id IS NOT NULL AND item_code IS NOT NULL)),
    CHECK (source <> 'kpi' OR (period IS NOT NULL AND kpi_code IS NOT NULL)),
    CHECK (source <> 'complaint' OR complaint_id IS NOT NULL),
    CHECK ((state = 'verified') = (verified_at IS NOT NULL))
);
-- "Exactly once per source" held by the database: a second opening of the same source is a
-- conflict, and the openers insert with ON CONFLICT … DO NOTHING.
CREATE UNIQUE INDEX actions_once_per_audit_item ON actions (tenant_id, audit_id, item_code) WHERE source = 'audit';
CREATE UNIQUE INDEX actions_once_per_red_kpi ON actions (tenant_id, outlet_id, kpi_code, period) WHERE source = 'kpi';
CREATE UNIQUE INDEX actions_once_per_complaint ON actions (tenant_id, complaint_id) WHERE source = 'complaint';
CREATE INDEX actions_outlet ON actions (tenant_id, outlet_id, state);
CREATE INDEX actions_due ON actions (tenant_id, due_at) WHERE state <> 'verified';
SELECT app_protect_tenant_table('actions');

-- Every state change of an action, in order, with who and when (the opening is seq 1, from NULL).
CREATE TABLE action_transitions (
    tenant_id   bigint NOT NULL,
    action_id   bigint NOT NULL,
    seq         integer NOT NULL CHECK (seq > 0),
    at          timestamptz NOT NULL,
    actor       text NOT NULL,
    from_state  text,
    to_state    text NOT NULL,
    comment     text,
    PRIMARY KEY (tenant_id, action_id, seq),
    FOREIGN KEY (tenant_id, action_id) REFERENCES actions (tenant_id, id) ON DELETE CASCADE
);
SELECT app_protect_tenant_table('action_transitions');

-- Photo evidence the outlet attaches (stored like audit evidence: bytes with their sha256).
CREATE TABLE action_evidence (
    tenant_id     bigint NOT NULL,
    action_id     bigint NOT NULL,
    name          text NOT NULL CHECK (name <> ''),
    sha256        text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    content_type  text NOT NULL,
    size          bigint NOT NULL CHECK (size > 0),
    content       bytea NOT NULL,
    added_by      text NOT NULL,
    added_at      timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, action_id, name),
    FOREIGN KEY (tenant_id, action_id) REFERENCES actions (tenant_id, id) ON DELETE CASCADE
);
SELECT app_protect_tenant_table('action_evidence');

-- The tenant's due days per source × severity; a missing row means the default (docs/actions.md).
CREATE TABLE action_settings (
    tenant_id  bigint NOT NULL REFERENCES tenants (id),
    source     text NOT NULL CHECK (source IN ('audit', 'kpi', 'complaint', 'manual')),
    severity   text NOT NULL CHECK (severity IN ('high', 'medium', 'low')),
    days       integer NOT NULL CHECK (days BETWEEN 1 AND 365),
    PRIMARY KEY (tenant_id, source, severity)
);
SELECT app_protect_tenant_table('action_settings');
SELECT app_log_table_changes('action_settings', 'action setting', 'r.source || ''/'' || r.severity', '{INSERT,UPDATE,DELETE}', '{}');

-- The history is kept: the runtime never deletes an action and never rewrites a transition.
REVOKE DELETE ON actions FROM touchstone_app;
REVOKE UPDATE, DELETE ON action_transitions FROM touchstone_app;
