-- Complaint cases (docs/complaints.md): a complaint created in Touchstone or imported follows
-- received → assigned → first_response → resolved → callback → closed. An imported complaint
-- has state NULL until its first transition: its state is then the one its times give
-- (resolved_at → resolved, first_response_at → first_response, else received).
ALTER TABLE complaints
    ADD COLUMN state text CHECK (state IN ('received', 'assigned', 'first_response', 'resolved', 'callback', 'closed')),
    ADD COLUMN created_by text,
    ADD COLUMN assignee text,
    ADD COLUMN callback_satisfied boolean,
    ADD COLUMN escalated_at timestamptz;

-- Every transition and escalation of a case, in order, with who and when.
CREATE TABLE complaint_transitions (
    tenant_id     bigint NOT NULL,
    complaint_id  text NOT NULL,
    seq           integer NOT NULL CHECK (seq > 0),
    at            timestamptz NOT NULL,
    actor         text NOT NULL,
    from_state    text,
    to_state      text NOT NULL,
    comment       text,
    PRIMARY KEY (tenant_id, complaint_id, seq),
    FOREIGN KEY (tenant_id, complaint_id) REFERENCES complaints (tenant_id, complaint_id) ON DELETE CASCADE
);
SELECT app_protect_tenant_table('complaint_transitions');
REVOKE UPDATE, DELETE ON complaint_transitions FROM touchstone_app;
CREATE INDEX complaints_unescalated ON complaints (tenant_id, opened_at) WHERE escalated_at IS NULL AND resolved_at IS NULL;
