-- Every batch run clears the period's approvals and deletes its adjustment rows before writing
-- payouts again (PayoutStep). Both are usually none of the period's rows, yet each statement read
-- all of them: 47–48 ms each on the national chain's 200,000 payouts, a tenth of an incremental
-- rerun after ten changed audits (issue #16). Partial indexes hold only those rows, so ordinary
-- payout rows cost them nothing to write.
CREATE INDEX payouts_approved ON payouts (tenant_id, period) WHERE approved_by IS NOT NULL;
CREATE INDEX payouts_adjustments ON payouts (tenant_id, period) WHERE adjusts_period <> '';
