-- Visit plans (docs/rules-choices.md, "Field visits, rotation and trust signals"): an outlet ×
-- template version × window of days (tenant time, both ends included) × assigned auditor.
-- `visit_id` is the tenant's own key (the CSV import's key); `auditor` is a user's login.
CREATE TABLE visits (
    tenant_id         bigint NOT NULL REFERENCES tenants (id),
    id                bigint GENERATED ALWAYS AS IDENTITY,
    visit_id          text NOT NULL CHECK (visit_id <> ''),
    outlet_id         bigint NOT NULL,
    template_code     text NOT NULL,
    template_version  integer NOT NULL,
    window_from       date NOT NULL,
    window_to         date NOT NULL,
    auditor           text,
    state             text NOT NULL DEFAULT 'planned'
                      CHECK (state IN ('planned', 'assigned', 'in_progress', 'submitted', 'expired', 'cancelled')),
    -- Why the last auto-assignment left the visit unassigned (NULL once assigned).
    unassigned_reason text,
    updated_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, visit_id),
    FOREIGN KEY (tenant_id, outlet_id) REFERENCES outlets (tenant_id, id),
    FOREIGN KEY (tenant_id, template_code, template_version) REFERENCES templates (tenant_id, code, version),
    CHECK (window_to >= window_from),
    CHECK (state IN ('planned', 'expired', 'cancelled') OR auditor IS NOT NULL),
    CHECK (state <> 'planned' OR auditor IS NULL)
);
CREATE INDEX visits_window ON visits (tenant_id, window_from);
CREATE INDEX visits_auditor ON visits (tenant_id, auditor, outlet_id);
SELECT app_protect_tenant_table('visits');
SELECT app_log_table_changes('visits', 'visit', 'r.visit_id', '{INSERT,UPDATE,DELETE}', '{id,updated_at}');

-- The visit an audit was made for, when its upload named one.
ALTER TABLE audits ADD COLUMN visit_id text;
ALTER TABLE audits ADD CONSTRAINT audits_visit FOREIGN KEY (tenant_id, visit_id) REFERENCES visits (tenant_id, visit_id);
CREATE INDEX audits_visit ON audits (tenant_id, visit_id) WHERE visit_id IS NOT NULL;

-- Visit plans are one more kind of CSV upload.
ALTER TABLE import_uploads DROP CONSTRAINT import_uploads_kind_check;
ALTER TABLE import_uploads ADD CONSTRAINT import_uploads_kind_check
    CHECK (kind IN ('outlets', 'staff', 'surveys', 'complaints', 'visits'));
