-- Audits: versioned checklist templates, uploaded audit documents with their answers
-- and scores, evidence, the review/dispute workflow and the history of every score.

CREATE TABLE templates (
    tenant_id      bigint NOT NULL REFERENCES tenants (id),
    code           text NOT NULL,
    version        integer NOT NULL CHECK (version > 0),
    name           text NOT NULL,
    require_review boolean NOT NULL DEFAULT false,
    dispute_days   integer NOT NULL DEFAULT 7 CHECK (dispute_days >= 0),
    definition     jsonb NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, code, version)
);
SELECT app_protect_tenant_table('templates');

CREATE TABLE audits (
    tenant_id        bigint NOT NULL REFERENCES tenants (id),
    id               uuid NOT NULL,
    template_code    text NOT NULL,
    template_version integer NOT NULL,
    outlet_id        bigint NOT NULL,
    visited_at       timestamptz NOT NULL,
    auditor          text NOT NULL,
    served_by        bigint,
    state            text NOT NULL CHECK (state IN ('submitted', 'returned', 'released', 'disputed', 'final', 'rejected')),
    score            numeric,
    critical_failure boolean NOT NULL,
    content_hash     text NOT NULL,
    document         jsonb NOT NULL,
    submitted_by     text NOT NULL,
    submitted_at     timestamptz NOT NULL DEFAULT now(),
    released_at      timestamptz,
    late             boolean NOT NULL DEFAULT false,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, template_code, template_version) REFERENCES templates (tenant_id, code, version),
    FOREIGN KEY (tenant_id, outlet_id) REFERENCES outlets (tenant_id, id),
    FOREIGN KEY (tenant_id, served_by) REFERENCES staff (tenant_id, id)
);
CREATE INDEX audits_period ON audits (tenant_id, template_code, visited_at);
CREATE INDEX audits_outlet ON audits (tenant_id, outlet_id, visited_at);
SELECT app_protect_tenant_table('audits');

-- One row per answered item, with what it earned (NULL earned/possible: not scored or N/A).
CREATE TABLE audit_answers (
    tenant_id  bigint NOT NULL,
    audit_id   uuid NOT NULL,
    item_code  text NOT NULL,
    answer     jsonb NOT NULL,
    earned     numeric,
    possible   numeric,
    failed     boolean NOT NULL DEFAULT false,
    PRIMARY KEY (tenant_id, audit_id, item_code),
    FOREIGN KEY (tenant_id, audit_id) REFERENCES audits (tenant_id, id) ON DELETE CASCADE
);
SELECT app_protect_tenant_table('audit_answers');

-- Section and dimension scores of each audit, as rules.md §1 reports them; N/A ones have no row.
CREATE TABLE audit_section_scores (
    tenant_id    bigint NOT NULL,
    audit_id     uuid NOT NULL,
    section_code text NOT NULL,
    score        numeric NOT NULL,
    PRIMARY KEY (tenant_id, audit_id, section_code),
    FOREIGN KEY (tenant_id, audit_id) REFERENCES audits (tenant_id, id) ON DELETE CASCADE
);
SELECT app_protect_tenant_table('audit_section_scores');

CREATE TABLE audit_dimension_scores (
    tenant_id  bigint NOT NULL,
    audit_id   uuid NOT NULL,
    dimension  text NOT NULL,
    score      numeric NOT NULL,
    PRIMARY KEY (tenant_id, audit_id, dimension),
    FOREIGN KEY (tenant_id, audit_id) REFERENCES audits (tenant_id, id) ON DELETE CASCADE
);
SELECT app_protect_tenant_table('audit_dimension_scores');

-- Evidence: declared with the audit, bytes uploaded later and checked against sha256.
CREATE TABLE audit_attachments (
    tenant_id     bigint NOT NULL,
    audit_id      uuid NOT NULL,
    item_code     text NOT NULL,
    name          text NOT NULL,
    sha256        text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    content_type  text NOT NULL,
    size          bigint,
    content       bytea,
    received_at   timestamptz,
    PRIMARY KEY (tenant_id, audit_id, item_code, name),
    FOREIGN KEY (tenant_id, audit_id) REFERENCES audits (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX audit_attachments_hash ON audit_attachments (tenant_id, sha256);
SELECT app_protect_tenant_table('audit_attachments');

-- Every state change of an audit, in order.
CREATE TABLE audit_transitions (
    tenant_id   bigint NOT NULL,
    audit_id    uuid NOT NULL,
    seq         integer NOT NULL,
    at          timestamptz NOT NULL DEFAULT now(),
    actor       text NOT NULL,
    from_state  text,
    to_state    text NOT NULL,
    reason      text,
    PRIMARY KEY (tenant_id, audit_id, seq),
    FOREIGN KEY (tenant_id, audit_id) REFERENCES audits (tenant_id, id) ON DELETE CASCADE
);
SELECT app_protect_tenant_table('audit_transitions');

-- Disputed items and head office's decision on each.
CREATE TABLE audit_disputes (
    tenant_id       bigint NOT NULL,
    audit_id        uuid NOT NULL,
    item_code       text NOT NULL,
    reason          text NOT NULL,
    proposed_answer jsonb,
    opened_by       text NOT NULL,
    opened_at       timestamptz NOT NULL DEFAULT now(),
    state           text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'accepted', 'rejected')),
    decided_by      text,
    decided_at      timestamptz,
    decision_reason text,
    old_answer      jsonb,
    new_answer      jsonb,
    PRIMARY KEY (tenant_id, audit_id, item_code),
    FOREIGN KEY (tenant_id, audit_id) REFERENCES audits (tenant_id, id) ON DELETE CASCADE
);
SELECT app_protect_tenant_table('audit_disputes');

-- A stored score never changes silently: every (re)scoring is a row here.
CREATE TABLE audit_score_history (
    tenant_id        bigint NOT NULL,
    audit_id         uuid NOT NULL,
    seq              integer NOT NULL,
    at               timestamptz NOT NULL DEFAULT now(),
    template_version integer NOT NULL,
    old_score        numeric,
    new_score        numeric,
    reason           text NOT NULL,
    PRIMARY KEY (tenant_id, audit_id, seq),
    FOREIGN KEY (tenant_id, audit_id) REFERENCES audits (tenant_id, id) ON DELETE CASCADE
);
SELECT app_protect_tenant_table('audit_score_history');

-- A template version used by an audit is immutable.
CREATE FUNCTION app_template_immutable() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM audits a WHERE a.tenant_id = OLD.tenant_id
               AND a.template_code = OLD.code AND a.template_version = OLD.version) THEN
        RAISE EXCEPTION 'template % version % is used by audits and cannot change', OLD.code, OLD.version
            USING ERRCODE = 'TS002', HINT = 'add a new version instead';
    END IF;
    RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END
$$;
CREATE TRIGGER templates_immutable BEFORE UPDATE OR DELETE ON templates
    FOR EACH ROW EXECUTE FUNCTION app_template_immutable();
