-- batch_dirty's tenant key checked nothing the rows do not already guarantee, once per row
-- (issue #16, survey import). Its rows are written only by the event tables' statement triggers
-- (0320), from event rows whose outlet key implies their tenant (0071, which dropped the same key
-- from the event tables for the same reason). A 1,000,000-row survey import on the national chain
-- records 224,492 dirty rows: inserted into a copy of batch_dirty with the key, 1.76–2.02 s;
-- without it, 0.50–0.66 s (auto_explain of the import: the key's checks 1.06 s of its 4.3 s trigger).
ALTER TABLE batch_dirty DROP CONSTRAINT batch_dirty_tenant_id_fkey;
