-- Events other systems can follow (docs/events.md): an outbox written in the same transaction
-- as the change it describes (a rolled-back change emits nothing), webhooks registered per
-- tenant, and one delivery per event × webhook that the daemon's dispatcher works through.

-- The events, append-only: the runtime inserts and reads them, never changes or deletes one.
-- `seq` orders events (per subject, the order in which they were emitted); `payload` is the
-- whole JSON body a webhook receives.
CREATE TABLE outbox_events (
    tenant_id   bigint NOT NULL REFERENCES tenants (id),
    id          uuid NOT NULL,
    seq         bigint GENERATED ALWAYS AS IDENTITY,
    type        text NOT NULL CHECK (type ~ '^[a-z]+(\.[a-z_]+)+$'),
    subject     text NOT NULL CHECK (subject <> ''),
    payload     jsonb NOT NULL,
    occurred_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, seq)
);
SELECT app_protect_tenant_table('outbox_events');
REVOKE UPDATE, DELETE ON outbox_events FROM touchstone_app;

-- A receiver: HTTPS URL (http://127.0.0.1 / localhost only when the daemon allows it), the
-- signing secret, the event types it wants (empty: every type). Removing one deactivates it
-- (its deliveries stay as history); nothing deletes a webhook.
CREATE TABLE webhooks (
    tenant_id   bigint NOT NULL REFERENCES tenants (id),
    id          uuid NOT NULL,
    url         text NOT NULL CHECK (url ~ '^https?://'),
    secret      text NOT NULL CHECK (length(secret) >= 16),
    event_types text[] NOT NULL DEFAULT '{}',
    active      boolean NOT NULL DEFAULT true,
    created_by  text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    removed_at  timestamptz,
    PRIMARY KEY (tenant_id, id)
);
SELECT app_protect_tenant_table('webhooks');
REVOKE INSERT, UPDATE, DELETE ON webhooks FROM touchstone_app;
GRANT INSERT (tenant_id, id, url, secret, event_types, created_by) ON webhooks TO touchstone_app;
GRANT UPDATE (active, removed_at) ON webhooks TO touchstone_app;
-- Who registered and removed webhooks is in the change log; the secret never is.
SELECT app_log_table_changes('webhooks', 'webhook', 'r.id::text', '{INSERT,UPDATE}', '{secret}');

-- One event to one webhook. `pending` until a 2xx (`delivered`) or until the retry window
-- (24 h from `window_start`) has passed (`parked`); a redelivery makes it pending again with a
-- new window. `subject` and `event_seq` are copied from the event so the dispatcher can keep
-- the order per subject per webhook with one index. `next_attempt_at` is also the lease of a
-- dispatcher that took the delivery (moved past the request's time-out while it is sent).
CREATE TABLE webhook_deliveries (
    tenant_id       bigint NOT NULL REFERENCES tenants (id),
    webhook_id      uuid NOT NULL,
    event_id        uuid NOT NULL,
    event_seq       bigint NOT NULL,
    subject         text NOT NULL,
    state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'parked')),
    attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    window_start    timestamptz NOT NULL,
    next_attempt_at timestamptz NOT NULL,
    last_attempt_at timestamptz,
    last_status     integer,
    last_error      text,
    delivered_at    timestamptz,
    PRIMARY KEY (tenant_id, webhook_id, event_id),
    FOREIGN KEY (tenant_id, webhook_id) REFERENCES webhooks (tenant_id, id),
    FOREIGN KEY (tenant_id, event_id) REFERENCES outbox_events (tenant_id, id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_order ON webhook_deliveries (tenant_id, webhook_id, subject, event_seq) WHERE state = 'pending';
SELECT app_protect_tenant_table('webhook_deliveries');
REVOKE UPDATE, DELETE ON webhook_deliveries FROM touchstone_app;
GRANT UPDATE (state, attempts, window_start, next_attempt_at, last_attempt_at, last_status, last_error, delivered_at)
    ON webhook_deliveries TO touchstone_app;

-- Which tenants have deliveries due at `at`: the dispatcher's only cross-tenant read, as
-- app_batch_schedules() is the scheduler's (docs/security.md). It returns tenant codes and
-- nothing else; the runtime then works inside each tenant under row-level security.
GRANT SELECT (tenant_id, state, next_attempt_at) ON webhook_deliveries TO touchstone_lookup;
CREATE POLICY cross_tenant_lookup ON webhook_deliveries FOR SELECT TO touchstone_lookup USING (true);

CREATE FUNCTION app_outbox_due(at timestamptz)
    RETURNS TABLE (code text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
    AS $$
        SELECT t.code FROM tenants t
        WHERE EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.tenant_id = t.id AND d.state = 'pending' AND d.next_attempt_at <= at)
        ORDER BY t.code
    $$;
REVOKE ALL ON FUNCTION app_outbox_due(timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_outbox_due(timestamptz) TO touchstone_app;

-- Hand it over to touchstone_lookup as 0080 does for the other look-ups.
GRANT touchstone_lookup TO CURRENT_USER;
GRANT CREATE ON SCHEMA public TO touchstone_lookup;
ALTER FUNCTION app_outbox_due(timestamptz) OWNER TO touchstone_lookup;
REVOKE CREATE ON SCHEMA public FROM touchstone_lookup;
REVOKE touchstone_lookup FROM CURRENT_USER;
