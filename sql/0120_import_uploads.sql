-- Imports from the pages (docs/imports.md): the uploaded file is kept here between its dry
-- run and "apply", so the user does not pick it again and apply imports exactly the bytes the
-- dry run checked. A staged upload expires after a day; applying it twice imports it once.
CREATE TABLE import_uploads (
    tenant_id    bigint NOT NULL REFERENCES tenants (id),
    id           bigint GENERATED ALWAYS AS IDENTITY,
    kind         text NOT NULL CHECK (kind IN ('outlets', 'staff', 'surveys', 'complaints')),
    file_name    text NOT NULL,
    sha256       text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    size         integer NOT NULL CHECK (size BETWEEN 0 AND 20971520),
    content      bytea NOT NULL,
    ignore_extra boolean NOT NULL DEFAULT false,
    uploaded_by  text NOT NULL,
    uploaded_at  timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL DEFAULT now() + interval '1 day',
    -- The dry run's outcome (counts or problems, rows, time taken), as JSON.
    dry_run      jsonb,
    applied_by   text,
    applied_at   timestamptz,
    -- The import's outcome once applied.
    applied      jsonb,
    PRIMARY KEY (tenant_id, id),
    CHECK (octet_length(content) = size)
);
CREATE INDEX import_uploads_expiry ON import_uploads (tenant_id, expires_at);
SELECT app_protect_tenant_table('import_uploads');
-- The runtime stages, records outcomes and removes expired uploads; a file and who uploaded it never change.
REVOKE UPDATE ON import_uploads FROM touchstone_app;
GRANT UPDATE (dry_run, applied_by, applied_at, applied) ON import_uploads TO touchstone_app;
