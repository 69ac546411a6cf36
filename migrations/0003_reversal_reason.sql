-- A deposit reversal's reason (冲红原因) is kept with the reversal row: the rules require one,
-- and the account, the receipt and every other counter show it. Rows written before this
-- migration have none (NULL). Adding a column does not touch the append-only triggers.
ALTER TABLE deposits ADD COLUMN reason TEXT CHECK (reason IS NULL OR length(trim(reason)) > 0);
