-- Agencies (docs/field-operations.md): auditors may belong to an agency, and an agency
-- coordinator plans the visits of its agency's auditors and reads their audits. The agency is a
-- code on the user (no table of its own); a visit may be planned for an agency.

ALTER TABLE users ADD COLUMN agency_code text CHECK (agency_code ~ '^[A-Za-z0-9_.-]{1,64}$');
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check
    CHECK (role IN ('admin', 'analyst', 'region_manager', 'outlet_manager', 'auditor', 'staff', 'agency_coordinator'));
ALTER TABLE users ADD CONSTRAINT users_agency_role
    CHECK (agency_code IS NULL OR role IN ('auditor', 'agency_coordinator'));
ALTER TABLE users ADD CONSTRAINT users_coordinator_agency
    CHECK (role <> 'agency_coordinator' OR agency_code IS NOT NULL);
CREATE INDEX users_agency ON users (tenant_id, agency_code) WHERE agency_code IS NOT NULL;

-- The runtime sets a user's agency as it sets the rest of the scope (sql/0080's column grants).
GRANT INSERT (agency_code), UPDATE (agency_code) ON users TO touchstone_app;

-- The agency a visit is planned for: only that agency's auditors are given it, and its
-- coordinator sees it. NULL: head office's own visit (any auditor).
ALTER TABLE visits ADD COLUMN agency_code text CHECK (agency_code ~ '^[A-Za-z0-9_.-]{1,64}$');
CREATE INDEX visits_agency ON visits (tenant_id, agency_code) WHERE agency_code IS NOT NULL;

-- The agency of coordinator `coordinator` (an enabled user with that role), NULL for anyone else.
CREATE FUNCTION app_coordinator_agency(coordinator text) RETURNS text
    LANGUAGE sql STABLE
    AS $$
    SELECT agency_code FROM users
    WHERE tenant_id = app_current_tenant() AND login = coordinator AND role = 'agency_coordinator' AND NOT disabled
    $$;
GRANT EXECUTE ON FUNCTION app_coordinator_agency(text) TO touchstone_app;

-- An agency coordinator sees the audits uploaded by its agency's auditors (scope 'agency', the
-- value the coordinator's login). Reading users makes the function STABLE, no longer IMMUTABLE.
CREATE OR REPLACE FUNCTION app_audit_visible(scope_kind text, scope_value text, submitted_by text, outlet_code text,
                                             region_path text, served_by_no text, state text) RETURNS boolean
    LANGUAGE sql STABLE
    AS $$
    SELECT CASE scope_kind
        WHEN 'all' THEN true
        WHEN 'submitter' THEN submitted_by = scope_value
        WHEN 'region' THEN app_in_region_subtree(region_path, scope_value)
        WHEN 'outlet' THEN outlet_code = scope_value AND state IN ('released', 'disputed', 'final')
        WHEN 'staff' THEN served_by_no = scope_value AND state IN ('released', 'final')
        WHEN 'agency' THEN EXISTS (
            SELECT 1 FROM users a
            WHERE a.tenant_id = app_current_tenant() AND a.login = submitted_by AND a.role = 'auditor'
              AND a.agency_code = app_coordinator_agency(scope_value))
        ELSE false
    END
    $$;

-- Which visits a caller sees and plans (VisitScope): head office all; an auditor its own; an
-- agency coordinator those planned for its agency and those held by its agency's auditors.
CREATE FUNCTION app_visit_visible(scope_kind text, scope_value text, auditor text, agency text) RETURNS boolean
    LANGUAGE sql STABLE
    AS $$
    SELECT CASE scope_kind
        WHEN 'all' THEN true
        WHEN 'auditor' THEN auditor = scope_value
        WHEN 'agency' THEN agency = app_coordinator_agency(scope_value)
            OR EXISTS (SELECT 1 FROM users a
                       WHERE a.tenant_id = app_current_tenant() AND a.login = auditor AND a.role = 'auditor'
                         AND a.agency_code = app_coordinator_agency(scope_value))
        ELSE false
    END
    $$;
GRANT EXECUTE ON FUNCTION app_visit_visible(text, text, text, text) TO touchstone_app;
