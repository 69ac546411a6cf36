-- 转账退款: a refund the original route could not make may be paid by the hospital's bank to an
-- account the patient designates (`domain::Tender::Transfer`, reference: the bank, the holder
-- and the masked number). Only deposit reversals pay out by transfer, so only deposit_tenders
-- learns the word; settlement_payments still refuses it. SQLite cannot alter a CHECK: the table
-- is rebuilt with its rows and its append-only triggers (nothing references it).
CREATE TABLE deposit_tenders_rebuilt (
    deposit_id INTEGER NOT NULL REFERENCES deposits (id),
    seq        INTEGER NOT NULL,
    tender     TEXT NOT NULL CHECK (tender IN ('cash', 'cheque', 'card', 'wechat', 'alipay', 'sscard', 'transfer')),
    amount_fen INTEGER NOT NULL,
    reference  TEXT,
    PRIMARY KEY (deposit_id, seq)
) STRICT;
INSERT INTO deposit_tenders_rebuilt (deposit_id, seq, tender, amount_fen, reference)
SELECT deposit_id, seq, tender, amount_fen, reference FROM deposit_tenders;
DROP TABLE deposit_tenders;
ALTER TABLE deposit_tenders_rebuilt RENAME TO deposit_tenders;
CREATE TRIGGER deposit_tenders_append_only_u BEFORE UPDATE ON deposit_tenders
BEGIN SELECT RAISE(ABORT, 'deposit_tenders are append-only'); END;
CREATE TRIGGER deposit_tenders_append_only_d BEFORE DELETE ON deposit_tenders
BEGIN SELECT RAISE(ABORT, 'deposit_tenders are append-only'); END;
