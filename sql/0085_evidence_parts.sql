-- Evidence uploads stream: the daemon stores each part of the body as it arrives and the
-- database joins the parts into audit_attachments.content at the end, so no process holds a
-- whole file. A part lives only until its upload finishes or is abandoned.
CREATE TABLE audit_evidence_parts (
    tenant_id   bigint NOT NULL,
    upload_id   uuid NOT NULL,
    seq         integer NOT NULL CHECK (seq >= 0),
    audit_id    uuid NOT NULL,
    bytes       bytea NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, upload_id, seq),
    FOREIGN KEY (tenant_id, audit_id) REFERENCES audits (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX audit_evidence_parts_age ON audit_evidence_parts (tenant_id, created_at);
ALTER TABLE audit_evidence_parts ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_evidence_parts FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON audit_evidence_parts USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());
-- The runtime role adds, joins and removes parts; it never changes one.
GRANT SELECT, INSERT, DELETE ON audit_evidence_parts TO touchstone_app;

-- Photos and PDFs barely compress: keep evidence uncompressed out of line, so a download
-- can read it a slice at a time (substring fetches only the slice's TOAST chunks).
ALTER TABLE audit_evidence_parts ALTER COLUMN bytes SET STORAGE EXTERNAL;
ALTER TABLE audit_attachments ALTER COLUMN content SET STORAGE EXTERNAL;
