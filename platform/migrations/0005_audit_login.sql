-- The audit chain's row hash is now over length-prefixed fields (hash_version 2): with the old
-- separator-joined format (hash_version 1, kept for the rows written before this migration) a
-- field holding the separator could move text from one field into the next under the same
-- hash. Existing rows take the column's first default (1); rows appended from now on get 2.
ALTER TABLE audit_log ADD COLUMN hash_version SMALLINT NOT NULL DEFAULT 1 CHECK (hash_version IN (1, 2));
ALTER TABLE audit_log ALTER COLUMN hash_version SET DEFAULT 2;

-- TRUNCATE fires no row trigger: a statement-level trigger refuses it on every append-only table.
CREATE TRIGGER journal_no_truncate BEFORE TRUNCATE ON journal FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER operations_no_truncate BEFORE TRUNCATE ON operations FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER pending_resolutions_no_truncate BEFORE TRUNCATE ON pending_resolutions FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER recon_statements_no_truncate BEFORE TRUNCATE ON recon_statements FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER recon_actions_no_truncate BEFORE TRUNCATE ON recon_actions FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER recon_adjustments_no_truncate BEFORE TRUNCATE ON recon_adjustments FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER feed_no_truncate BEFORE TRUNCATE ON feed FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
