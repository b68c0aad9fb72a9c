-- Trust signals on audits (docs/rules-choices.md, "Field visits, rotation and trust signals"):
-- the flags computed when an audit arrives, the outlets' optional positions they are measured
-- against, and each tenant's thresholds.

ALTER TABLE audits ADD COLUMN flags text[] NOT NULL DEFAULT '{}';

ALTER TABLE outlets
    ADD COLUMN latitude  double precision CHECK (latitude BETWEEN -90 AND 90),
    ADD COLUMN longitude double precision CHECK (longitude BETWEEN -180 AND 180),
    ADD CONSTRAINT outlets_position_whole CHECK ((latitude IS NULL) = (longitude IS NULL));

-- One row per tenant that changed a default; no row means the defaults.
CREATE TABLE field_settings (
    tenant_id            bigint PRIMARY KEY REFERENCES tenants (id),
    max_distance_m       integer NOT NULL DEFAULT 500 CHECK (max_distance_m > 0),
    submission_hours     integer NOT NULL DEFAULT 48 CHECK (submission_hours > 0),
    clock_skew_seconds   integer NOT NULL DEFAULT 300 CHECK (clock_skew_seconds > 0),
    rotation_months      integer NOT NULL DEFAULT 6 CHECK (rotation_months >= 0),
    late_visits_accepted boolean NOT NULL DEFAULT false
);
SELECT app_protect_tenant_table('field_settings');
SELECT app_log_table_changes('field_settings', 'field_settings', 'r.tenant_id::text', '{INSERT,UPDATE,DELETE}');
