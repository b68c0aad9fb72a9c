-- Audits, second part: what the upload path and the review workflow need beyond 0002.

-- SHA-256 of the template's canonical JSON: "same content" tests and the parsed-template cache key.
ALTER TABLE templates ADD COLUMN definition_hash text CHECK (definition_hash ~ '^[0-9a-f]{64}$');

-- Warnings given at upload (e.g. servedBy not assigned to the outlet that day), as a JSON array
-- of {path, message}; kept so an identical replay returns the same receipt.
ALTER TABLE audits ADD COLUMN warnings jsonb NOT NULL DEFAULT '[]';

CREATE INDEX audits_submitter ON audits (tenant_id, submitted_by, visited_at);
CREATE INDEX audits_listing ON audits (tenant_id, visited_at, id);

-- Evidence whose bytes also belong to another audit (a shopper-fraud signal for the reviewer).
CREATE TABLE audit_evidence_reuse (
    tenant_id      bigint NOT NULL,
    audit_id       uuid NOT NULL,
    item_code      text NOT NULL,
    name           text NOT NULL,
    sha256         text NOT NULL,
    other_audit_id uuid NOT NULL,
    found_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, audit_id, item_code, name, other_audit_id),
    FOREIGN KEY (tenant_id, audit_id) REFERENCES audits (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, other_audit_id) REFERENCES audits (tenant_id, id) ON DELETE CASCADE
);
SELECT app_protect_tenant_table('audit_evidence_reuse');

-- Whether an audit is visible in a scope (AuditScope in the store): `all` (head office),
-- `submitter` (an auditor: its own uploads), `region` (a region manager: its subtree),
-- `outlet` (an outlet manager: released, disputed and final audits of its outlet),
-- `staff` (a staff member: released and final audits naming them). Inlined by the planner.
CREATE FUNCTION app_audit_visible(scope_kind text, scope_value text, submitted_by text, outlet_code text,
                                  region_path text, served_by_no text, state text) RETURNS boolean
    LANGUAGE sql IMMUTABLE
    AS $$
    SELECT CASE scope_kind
        WHEN 'all' THEN true
        WHEN 'submitter' THEN submitted_by = scope_value
        WHEN 'region' THEN region_path = scope_value OR left(region_path, length(scope_value) + 1) = scope_value || '/'
        WHEN 'outlet' THEN outlet_code = scope_value AND state IN ('released', 'disputed', 'final')
        WHEN 'staff' THEN served_by_no = scope_value AND state IN ('released', 'final')
        ELSE false
    END
    $$;
GRANT EXECUTE ON FUNCTION app_audit_visible(text, text, text, text, text, text, text) TO touchstone_app;
