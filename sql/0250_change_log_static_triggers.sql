-- The change-log triggers of 0040 (made to skip empty statements in 0072) shared one function,
-- app_log_changes, that built its INSERT … SELECT as text from the trigger's arguments and ran it
-- with EXECUTE: every statement on a logged table paid for formatting, parsing and planning it
-- again (BENCHMARKS.md, 2026-11-30: 58 % of PostgreSQL's time per upload in AFTER triggers).
--
-- Each logged table and event now gets a trigger function of its own, app_log_<table>_<event>,
-- whose INSERT is static SQL: PL/pgSQL prepares it once per session and reuses the plan. The
-- SQL is the one app_log_changes formatted, with the entity and the omitted columns as literals,
-- so the change_log rows are the same, byte for byte. Like app_log_changes, the functions run
-- as the caller (SECURITY INVOKER, no search_path of their own) and belong to the migration's
-- owner: the runtime role still writes change_log under its row-level security and grants.
--
-- app_log_table_changes keeps its signature (later migrations call it) and now writes the
-- per-table function; the triggers already attached to app_log_changes are rebuilt from their
-- own arguments below. app_log_changes stays for comparison (ChangeLogTests) but is no longer
-- attached to any table.

-- The static trigger function for one table and event: the SQL app_log_changes formatted for it.
CREATE FUNCTION app_log_trigger_function(table_name regclass, event text, entity text, key_expr text,
                                         tenant_expr text, omitted text) RETURNS text
    LANGUAGE plpgsql
    AS $fn$
DECLARE
    name      text := format('app_log_%s_%s', (SELECT relname FROM pg_class WHERE oid = table_name), lower(event));
    omit      text := format('%L::text[]', '{' || omitted || '}');
    statement text;
BEGIN
    IF event = 'INSERT' THEN
        statement := format(
            'INSERT INTO change_log (tenant_id, actor, action, entity, entity_key, after) '
            'SELECT %2$s, app_actor(), ''insert'', %3$L, %1$s, to_jsonb(r) - %4$s FROM new_rows r',
            key_expr, tenant_expr, entity, omit);
    ELSIF event = 'DELETE' THEN
        statement := format(
            'INSERT INTO change_log (tenant_id, actor, action, entity, entity_key, before) '
            'SELECT %2$s, app_actor(), ''delete'', %3$L, %1$s, to_jsonb(r) - %4$s FROM old_rows r',
            key_expr, tenant_expr, entity, omit);
    ELSE
        statement := format(
            'INSERT INTO change_log (tenant_id, actor, action, entity, entity_key, before, after) '
            'SELECT coalesce(o.tenant, n.tenant), app_actor(), ''update'', %3$L, coalesce(o.key, n.key), o.doc, n.doc '
            'FROM (SELECT %2$s AS tenant, %1$s AS key, to_jsonb(r) - %4$s AS doc FROM old_rows r) AS o '
            'FULL JOIN (SELECT %2$s AS tenant, %1$s AS key, to_jsonb(r) - %4$s AS doc FROM new_rows r) AS n '
            '  ON n.tenant = o.tenant AND n.key = o.key '
            'WHERE o.doc IS DISTINCT FROM n.doc',
            key_expr, tenant_expr, entity, omit);
    END IF;
    EXECUTE format(
        'CREATE OR REPLACE FUNCTION %I() RETURNS trigger LANGUAGE plpgsql AS %L',
        name, format(E'\nBEGIN\n    %s;\n    RETURN NULL;\nEND\n', statement));
    RETURN name;
END
$fn$;

-- Attaches a static change-log trigger to `table_name` for `events` (one trigger per event:
-- transition tables allow only one). `omitted`: columns never logged (always also tenant_id).
CREATE OR REPLACE FUNCTION app_log_table_changes(table_name regclass, entity text, key_expr text, events text[],
                                                 omitted text[] DEFAULT '{}', tenant_expr text DEFAULT 'r.tenant_id') RETURNS void
    LANGUAGE plpgsql
    AS $$
DECLARE
    event text;
BEGIN
    FOREACH event IN ARRAY events LOOP
        EXECUTE format(
            'CREATE TRIGGER %I AFTER %s ON %s REFERENCING %s TABLE AS %s FOR EACH STATEMENT EXECUTE FUNCTION %I()',
            'change_log_' || lower(event), event, table_name,
            CASE event WHEN 'INSERT' THEN 'NEW' WHEN 'DELETE' THEN 'OLD' ELSE 'OLD TABLE AS old_rows NEW' END,
            CASE event WHEN 'DELETE' THEN 'old_rows' ELSE 'new_rows' END,
            app_log_trigger_function(table_name, event, entity, key_expr, tenant_expr,
                                     array_to_string(omitted || '{tenant_id}'::text[], ',')));
    END LOOP;
END
$$;

-- Every trigger still on app_log_changes, rebuilt on its own static function from the
-- arguments it was created with (entity, key, tenant, omitted columns).
DO $$
DECLARE
    t     record;
    args  text[];
    event text;
BEGIN
    FOR t IN
        SELECT tg.tgrelid::regclass AS table_name, tg.tgname, tg.tgtype, tg.tgargs
        FROM pg_trigger tg
        WHERE tg.tgfoid = 'app_log_changes'::regproc
        ORDER BY tg.tgrelid, tg.tgname
    LOOP
        -- tgargs holds the arguments, each ended by a zero byte; encode(…, 'escape') shows the
        -- zero byte as \000 and doubles backslashes.
        args := (SELECT array_agg(replace(a, E'\\\\', E'\\') ORDER BY n)
                 FROM unnest(string_to_array(encode(t.tgargs, 'escape'), E'\\000')) WITH ORDINALITY AS u (a, n)
                 WHERE n <= 4);
        event := CASE WHEN t.tgtype & 4 <> 0 THEN 'INSERT' WHEN t.tgtype & 8 <> 0 THEN 'DELETE' ELSE 'UPDATE' END;
        EXECUTE format('DROP TRIGGER %I ON %s', t.tgname, t.table_name);
        EXECUTE format(
            'CREATE TRIGGER %I AFTER %s ON %s REFERENCING %s TABLE AS %s FOR EACH STATEMENT EXECUTE FUNCTION %I()',
            t.tgname, event, t.table_name,
            CASE event WHEN 'INSERT' THEN 'NEW' WHEN 'DELETE' THEN 'OLD' ELSE 'OLD TABLE AS old_rows NEW' END,
            CASE event WHEN 'DELETE' THEN 'old_rows' ELSE 'new_rows' END,
            app_log_trigger_function(t.table_name, event, args[1], args[2], args[3], args[4]));
    END LOOP;
    IF EXISTS (SELECT FROM pg_trigger WHERE tgfoid = 'app_log_changes'::regproc) THEN
        RAISE EXCEPTION 'a change-log trigger is still on app_log_changes';
    END IF;
END
$$;
