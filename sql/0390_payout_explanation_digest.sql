-- A full rerun recomputes every payout into a temporary table and writes only the rows that
-- differ from the stored ones (PayoutStep.writeChanged). Comparing explanations meant parsing all
-- 102,071 recomputed explanations of the national chain (108 MB of JSON) into jsonb and hashing
-- them against the stored ones: 1.8 s of the payout inserts and 0.8 s of the comparison
-- (BENCHMARKS.md, 2026-12-04 12:20 UTC), to find, on a rerun of unchanged inputs, nothing to write.
--
-- explanation_digest is the md5 of the explanation's text as the batch wrote it. A rerun keeps its
-- recomputed explanations as text, compares digests, and parses only the rows it writes. The
-- stored jsonb is the parse of that same text, so equal digests mean equal explanations. Rows with
-- no digest (adjustment rows, which every run rewrites, and rows written before this migration)
-- compare as changed and are written again. An UPDATE that sets the explanation without its
-- digest clears the digest, so a digest never describes another explanation.
ALTER TABLE payouts ADD COLUMN explanation_digest text;

CREATE FUNCTION app_forget_explanation_digest() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF NEW.explanation_digest IS NOT DISTINCT FROM OLD.explanation_digest THEN
        NEW.explanation_digest := NULL;
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER payouts_explanation_digest BEFORE UPDATE OF explanation ON payouts
    FOR EACH ROW EXECUTE FUNCTION app_forget_explanation_digest();
