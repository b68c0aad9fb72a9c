-- Event rows name their outlet with a composite foreign key (tenant_id, outlet_id) → outlets,
-- whose own tenant_id references tenants: the tenant exists whenever the outlet does. The
-- separate tenant_id → tenants key added nothing but a per-row check on every import and
-- upload (a third of the referential checks of a 1,000,000-row survey import).
ALTER TABLE survey_responses DROP CONSTRAINT survey_responses_tenant_id_fkey;
ALTER TABLE complaints DROP CONSTRAINT complaints_tenant_id_fkey;
ALTER TABLE audits DROP CONSTRAINT audits_tenant_id_fkey;
