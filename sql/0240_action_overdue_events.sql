-- action.overdue (docs/events.md) is announced once per action: the scheduler's sweep stamps
-- the actions it announced, in the transaction that writes their events to the outbox.
ALTER TABLE actions ADD COLUMN overdue_announced_at timestamptz;
CREATE INDEX actions_overdue_unannounced ON actions (tenant_id, due_at)
    WHERE state <> 'verified' AND overdue_announced_at IS NULL;
