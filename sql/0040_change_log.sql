-- The audit trail (change_log of 0004) written by the database itself, so no store
-- operation can forget it: statement-level triggers turn each changed row of the tables
-- below into one change_log row in the same transaction (who, what, entity, key,
-- before → after as jsonb). Set-based, so a bulk upsert costs one INSERT … SELECT.
-- Who: app.actor, set per transaction by the store (the principal's login, or
-- cli:<os user> for the command line); without it, the session's login role.
-- Bulk data (survey responses, complaints, KPI results, payouts written by the batch) is
-- not logged row by row: imports write one summary row per run, the batch its job row.
-- Secrets never enter the log: password and token hashes are left out.

CREATE FUNCTION app_actor() RETURNS text
    LANGUAGE sql STABLE
    AS $$ SELECT coalesce(nullif(current_setting('app.actor', true), ''), session_user) $$;
GRANT EXECUTE ON FUNCTION app_actor() TO touchstone_app;

-- Logs the rows of one statement. Arguments: entity name; the key as an SQL expression over
-- the row `r`; the tenant as an SQL expression over `r`; columns left out (comma-separated).
-- An UPDATE row whose logged columns did not change is not logged.
CREATE FUNCTION app_log_changes() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    entity      text := TG_ARGV[0];
    key_expr    text := TG_ARGV[1];
    tenant_expr text := TG_ARGV[2];
    omitted     text[] := string_to_array(TG_ARGV[3], ',');
BEGIN
    IF TG_OP = 'INSERT' THEN
        EXECUTE format(
            'INSERT INTO change_log (tenant_id, actor, action, entity, entity_key, after) '
            'SELECT %2$s, app_actor(), ''insert'', $1, %1$s, to_jsonb(r) - $2 FROM new_rows r',
            key_expr, tenant_expr) USING entity, omitted;
    ELSIF TG_OP = 'DELETE' THEN
        EXECUTE format(
            'INSERT INTO change_log (tenant_id, actor, action, entity, entity_key, before) '
            'SELECT %2$s, app_actor(), ''delete'', $1, %1$s, to_jsonb(r) - $2 FROM old_rows r',
            key_expr, tenant_expr) USING entity, omitted;
    ELSE
        EXECUTE format(
            'INSERT INTO change_log (tenant_id, actor, action, entity, entity_key, before, after) '
            'SELECT coalesce(o.tenant, n.tenant), app_actor(), ''update'', $1, coalesce(o.key, n.key), o.doc, n.doc '
            'FROM (SELECT %2$s AS tenant, %1$s AS key, to_jsonb(r) - $2 AS doc FROM old_rows r) AS o '
            'FULL JOIN (SELECT %2$s AS tenant, %1$s AS key, to_jsonb(r) - $2 AS doc FROM new_rows r) AS n '
            '  ON n.tenant = o.tenant AND n.key = o.key '
            'WHERE o.doc IS DISTINCT FROM n.doc',
            key_expr, tenant_expr) USING entity, omitted;
    END IF;
    RETURN NULL;
END
$$;

-- Attaches app_log_changes to `table_name` for `events` (one trigger per event: transition
-- tables allow only one). `omitted`: columns never logged (always also tenant_id).
CREATE FUNCTION app_log_table_changes(table_name regclass, entity text, key_expr text, events text[],
                                      omitted text[] DEFAULT '{}', tenant_expr text DEFAULT 'r.tenant_id') RETURNS void
    LANGUAGE plpgsql
    AS $$
DECLARE
    event text;
BEGIN
    FOREACH event IN ARRAY events LOOP
        EXECUTE format(
            'CREATE TRIGGER %I AFTER %s ON %s REFERENCING %s TABLE AS %s FOR EACH STATEMENT '
            'EXECUTE FUNCTION app_log_changes(%L, %L, %L, %L)',
            'change_log_' || lower(event), event, table_name,
            CASE event WHEN 'INSERT' THEN 'NEW' WHEN 'DELETE' THEN 'OLD' ELSE 'OLD TABLE AS old_rows NEW' END,
            CASE event WHEN 'DELETE' THEN 'old_rows' ELSE 'new_rows' END,
            entity, key_expr, tenant_expr, array_to_string(omitted || '{tenant_id}'::text[], ','));
    END LOOP;
END
$$;

SELECT app_log_table_changes('outlets', 'outlet', 'r.code', '{INSERT,UPDATE,DELETE}', '{id,updated_at}');
SELECT app_log_table_changes('staff', 'staff', 'r.employee_no', '{INSERT,UPDATE,DELETE}', '{id,updated_at}');
SELECT app_log_table_changes('assignments', 'assignment',
    $$(SELECT s.employee_no FROM staff s WHERE s.tenant_id = r.tenant_id AND s.id = r.staff_id) || '@' || r.start_date$$,
    '{INSERT,UPDATE,DELETE}');
SELECT app_log_table_changes('templates', 'template', $$r.code || ' v' || r.version$$, '{INSERT,UPDATE,DELETE}');
SELECT app_log_table_changes('kpi_definitions', 'kpi', 'r.code', '{INSERT,UPDATE,DELETE}', '{updated_at}');
SELECT app_log_table_changes('plans', 'plan', $$r.code || ' v' || r.version$$, '{INSERT,UPDATE,DELETE}');
SELECT app_log_table_changes('periods', 'period', 'r.period', '{INSERT,UPDATE,DELETE}');
SELECT app_log_table_changes('batch_jobs', 'batch_run', 'r.id::text', '{INSERT,UPDATE,DELETE}');
-- The document itself is kept in audits and identified by content_hash.
SELECT app_log_table_changes('audits', 'audit', 'r.id::text', '{INSERT,UPDATE,DELETE}', '{document}');
SELECT app_log_table_changes('audit_disputes', 'dispute', $$r.audit_id || '/' || r.item_code$$, '{INSERT,UPDATE,DELETE}');
SELECT app_log_table_changes('audit_attachments', 'evidence', $$r.audit_id || '/' || r.item_code || '/' || r.name$$,
    '{INSERT,UPDATE,DELETE}', '{content}');
SELECT app_log_table_changes('users', 'user', 'r.login', '{INSERT,UPDATE,DELETE}', '{id,password_hash}');
SELECT app_log_table_changes('api_tokens', 'token', 'r.id::text', '{INSERT,UPDATE,DELETE}', '{token_hash}');
-- Tenants are created by the owner before any tenant is set; their later changes (SLA) are logged.
SELECT app_log_table_changes('tenants', 'tenant', 'r.code', '{UPDATE}', '{}', 'r.id');

-- Append-only: the runtime role may only add and read (0004 granted nothing else), and
-- nobody, the owner included, may change or remove a row.
CREATE FUNCTION app_refuse_change_log_edit() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    RAISE EXCEPTION 'change_log is append-only: % refused', TG_OP USING ERRCODE = 'TS003';
END
$$;
CREATE TRIGGER change_log_append_only BEFORE UPDATE OR DELETE ON change_log
    FOR EACH ROW EXECUTE FUNCTION app_refuse_change_log_edit();
CREATE TRIGGER change_log_no_truncate BEFORE TRUNCATE ON change_log
    FOR EACH STATEMENT EXECUTE FUNCTION app_refuse_change_log_edit();
REVOKE UPDATE, DELETE, TRUNCATE ON change_log FROM touchstone_app;

-- Head office reads the log in order, all of it or one entity's (ids grow with time).
CREATE INDEX change_log_entity ON change_log (tenant_id, entity, id);
