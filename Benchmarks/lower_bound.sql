-- The lower bound of the monthly KPI batch: one hand-written query computing every KPI value of
-- one tenant and period at every level (staff, outlet, every region node, tenant), rules.md §2–4,
-- writing nothing and returning only how many values it computed (compare with kpi_results).
-- psql variables: tenant (id), period_start, period_end (instants), as_of (instant).
WITH k AS (
    SELECT code, metric, template_code, min_sample,
           metric IN ('audit.critical_failures', 'complaint.count') AS summed
    FROM kpi_definitions WHERE tenant_id = :tenant),
nodes AS (
    SELECT o.id AS outlet_id, 'outlet' AS level, o.code AS subject FROM outlets o WHERE o.tenant_id = :tenant
    UNION ALL
    SELECT o.id, 'region', r.path
    FROM outlets o JOIN regions leaf ON leaf.tenant_id = o.tenant_id AND leaf.id = o.region_id
    CROSS JOIN LATERAL unnest(leaf.ancestors) AS a (id)
    JOIN regions r ON r.tenant_id = o.tenant_id AND r.id = a.id
    WHERE o.tenant_id = :tenant
    UNION ALL
    SELECT o.id, 'tenant', t.code FROM outlets o JOIN tenants t ON t.id = o.tenant_id WHERE o.tenant_id = :tenant),
aud AS (
    SELECT id, template_code, outlet_id, served_by AS staff_id, score, critical_failure FROM audits
    WHERE tenant_id = :tenant AND state IN ('released', 'final')
      AND visited_at >= :'period_start' AND visited_at < :'period_end'),
comp AS (
    SELECT c.outlet_id, c.staff_id,
           c.resolved_at IS NOT NULL OR c.opened_at + make_interval(hours => CASE c.severity WHEN 'high' THEN t.sla_high_hours
               WHEN 'medium' THEN t.sla_medium_hours ELSE t.sla_low_hours END) <= :'as_of' AS decided,
           c.resolved_at IS NOT NULL AND c.resolved_at <= c.opened_at + make_interval(hours => CASE c.severity
               WHEN 'high' THEN t.sla_high_hours WHEN 'medium' THEN t.sla_medium_hours ELSE t.sla_low_hours END) AS within,
           extract(epoch FROM c.first_response_at - c.opened_at) / 60 AS minutes
    FROM complaints c JOIN tenants t ON t.id = c.tenant_id
    WHERE c.tenant_id = :tenant AND c.opened_at >= :'period_start' AND c.opened_at < :'period_end'),
cells AS (
    SELECT k.code, g.outlet_id, g.staff_id,
           CASE k.metric WHEN 'audit.score' THEN coalesce(g.score_sum, 0) ELSE g.critical END AS num,
           CASE k.metric WHEN 'audit.score' THEN g.scored ELSE g.audits END AS den
    FROM (SELECT template_code, outlet_id, staff_id, sum(score) AS score_sum, count(score) AS scored, count(*) AS audits,
                 count(*) FILTER (WHERE critical_failure) AS critical
          FROM aud GROUP BY GROUPING SETS ((template_code, outlet_id), (template_code, staff_id))
          HAVING GROUPING(staff_id) = 1 OR staff_id IS NOT NULL) g
    JOIN k ON k.template_code = g.template_code AND k.metric IN ('audit.score', 'audit.critical_failures')
    UNION ALL
    SELECT k.code, g.outlet_id, g.staff_id, g.total, g.audits
    FROM (SELECT a.template_code, p.metric, a.outlet_id, a.staff_id, sum(p.score) AS total, count(*) AS audits
          FROM aud a
          JOIN (SELECT audit_id, 'audit.section:' || section_code AS metric, score FROM audit_section_scores WHERE tenant_id = :tenant
                UNION ALL
                SELECT audit_id, 'audit.dimension:' || dimension, score FROM audit_dimension_scores WHERE tenant_id = :tenant) p
            ON p.audit_id = a.id
          GROUP BY GROUPING SETS ((a.template_code, p.metric, a.outlet_id), (a.template_code, p.metric, a.staff_id))
          HAVING GROUPING(a.staff_id) = 1 OR a.staff_id IS NOT NULL) g
    JOIN k ON k.template_code = g.template_code AND k.metric = g.metric
    UNION ALL
    SELECT k.code, g.outlet_id, g.staff_id,
           CASE k.metric WHEN 'survey.top2box' THEN 100 * g.top2 WHEN 'survey.mean' THEN g.sat_sum ELSE 100 * g.net END,
           CASE k.metric WHEN 'survey.nps' THEN g.with_nps ELSE g.responses END
    FROM (SELECT outlet_id, staff_id, count(sat) AS responses, count(*) FILTER (WHERE sat >= 4) AS top2, sum(sat) AS sat_sum,
                 count(nps) AS with_nps, count(*) FILTER (WHERE nps >= 9) - count(*) FILTER (WHERE nps <= 6) AS net
          FROM survey_responses
          WHERE tenant_id = :tenant AND responded_at >= :'period_start' AND responded_at < :'period_end'
          GROUP BY GROUPING SETS ((outlet_id), (staff_id))
          HAVING GROUPING(staff_id) = 1 OR staff_id IS NOT NULL) g
    JOIN k ON k.metric LIKE 'survey.%'
    UNION ALL
    SELECT k.code, g.outlet_id, g.staff_id,
           CASE k.metric WHEN 'complaint.count' THEN g.complaints ELSE 100 * g.within END,
           CASE k.metric WHEN 'complaint.count' THEN g.complaints ELSE g.decided END
    FROM (SELECT outlet_id, staff_id, count(*) AS complaints, count(*) FILTER (WHERE decided) AS decided,
                 count(*) FILTER (WHERE within) AS within
          FROM comp GROUP BY GROUPING SETS ((outlet_id), (staff_id))
          HAVING GROUPING(staff_id) = 1 OR staff_id IS NOT NULL) g
    JOIN k ON k.metric IN ('complaint.count', 'complaint.sla_rate')),
vals AS (
    SELECT c.code, 'staff' AS level, c.staff_id::text AS subject, c.den AS n,
           CASE WHEN k.summed THEN c.num ELSE c.num / c.den END AS value
    FROM cells c JOIN k ON k.code = c.code WHERE c.staff_id IS NOT NULL AND c.den > 0
    UNION ALL
    SELECT r.code, r.level, r.subject, r.den, CASE WHEN k.summed THEN r.num ELSE r.num / r.den END
    FROM (SELECT c.code, n.level, n.subject, sum(c.num) AS num, sum(c.den) AS den
          FROM cells c JOIN nodes n ON n.outlet_id = c.outlet_id WHERE c.outlet_id IS NOT NULL
          GROUP BY c.code, n.level, n.subject) r
    JOIN k ON k.code = r.code WHERE r.den > 0
    UNION ALL
    SELECT k.code, m.level, m.subject, m.n, m.value
    FROM (SELECT e.level, e.subject, count(*) AS n,
                 (percentile_disc(0.5) WITHIN GROUP (ORDER BY e.minutes)
                  - percentile_disc(0.5) WITHIN GROUP (ORDER BY -e.minutes)) / 2 AS value
          FROM (SELECT n.level, n.subject, c.minutes FROM comp c JOIN nodes n ON n.outlet_id = c.outlet_id WHERE c.minutes IS NOT NULL
                UNION ALL
                SELECT 'staff', c.staff_id::text, c.minutes FROM comp c WHERE c.staff_id IS NOT NULL AND c.minutes IS NOT NULL) e
          GROUP BY e.level, e.subject) m
    CROSS JOIN k WHERE k.metric = 'complaint.first_response_p50')
SELECT count(*) AS kpi_values, count(*) FILTER (WHERE n < (SELECT min(min_sample) FROM k)) AS below_smallest_min_sample FROM vals;
