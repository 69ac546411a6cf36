-- Refunds by the original route (原路退款) this counter asked for: a deposit reversal or a
-- settlement that gives money back to a WeChat or Alipay payment writes each refund with its
-- record (the refund number from the operation's key: a retry is the same refund), and every
-- answer about it is appended — processing (退款中), refunded (已退款), failed (退款失败).
-- No row: requested (待退款), asked again on `cashier refund status` or the screen's refresh. A
-- stand-alone counter asks its in-process channel; a linked counter asks the platform, which
-- asks the channel once the record reached it. Append-only.
CREATE TABLE channel_refunds (
    refund_no      TEXT PRIMARY KEY,
    op_key         TEXT NOT NULL,
    admission_id   TEXT NOT NULL,
    -- The reversal's receipt number or the settlement's number.
    record_no      TEXT NOT NULL,
    tender         TEXT NOT NULL,
    amount_fen     INTEGER NOT NULL CHECK (amount_fen > 0),
    transaction_id TEXT NOT NULL,
    reason         TEXT NOT NULL,
    at             TEXT NOT NULL
);
CREATE INDEX channel_refunds_by_admission ON channel_refunds (admission_id);

CREATE TABLE channel_refund_events (
    id        INTEGER PRIMARY KEY,
    refund_no TEXT NOT NULL REFERENCES channel_refunds (refund_no),
    state     TEXT NOT NULL CHECK (state IN ('processing', 'refunded', 'failed')),
    refund_id TEXT,
    message   TEXT,
    at        TEXT NOT NULL
);
CREATE INDEX channel_refund_events_by_refund ON channel_refund_events (refund_no, id);

CREATE TRIGGER channel_refunds_append_only_u BEFORE UPDATE ON channel_refunds
BEGIN SELECT RAISE(ABORT, 'channel refunds are append-only'); END;
CREATE TRIGGER channel_refunds_append_only_d BEFORE DELETE ON channel_refunds
BEGIN SELECT RAISE(ABORT, 'channel refunds are append-only'); END;
CREATE TRIGGER channel_refund_events_append_only_u BEFORE UPDATE ON channel_refund_events
BEGIN SELECT RAISE(ABORT, 'channel refund events are append-only'); END;
CREATE TRIGGER channel_refund_events_append_only_d BEFORE DELETE ON channel_refund_events
BEGIN SELECT RAISE(ABORT, 'channel refund events are append-only'); END;
