-- The change-log trigger of 0040 built, planned and ran its dynamic INSERT for every statement,
-- also for statements that changed no row: each audit upload without evidence paid for an empty
-- INSERT … SELECT on audit_attachments. It now returns first when the statement's transition
-- table is empty; what it logs is unchanged.
CREATE OR REPLACE FUNCTION app_log_changes() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    entity      text := TG_ARGV[0];
    key_expr    text := TG_ARGV[1];
    tenant_expr text := TG_ARGV[2];
    omitted     text[] := string_to_array(TG_ARGV[3], ',');
BEGIN
    -- A statement that changed nothing (an upload without evidence, an import of unchanged
    -- rows) logs nothing: return before building and planning the dynamic INSERT.
    IF TG_OP = 'DELETE' THEN
        PERFORM FROM old_rows LIMIT 1;
    ELSE
        PERFORM FROM new_rows LIMIT 1;
    END IF;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
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
