-- Finance's collections (缴款) of the closes linked counters reported. The expected money is
-- the platform's own (the closes' net cash and cheques); the difference is counted minus
-- expected, and a close is collected by at most one hand-in in force (checked under a lock, as a
-- reversal lets the close be collected again). A reversal is a row of its own. Append-only.
CREATE TABLE hand_ins (
    key                 UUID PRIMARY KEY,
    hand_in_no          TEXT NOT NULL UNIQUE,
    cashier             TEXT NOT NULL,
    by_user             TEXT NOT NULL,
    device_id           UUID REFERENCES devices (id),
    at                  TIMESTAMP NOT NULL,
    expected_cash_fen   BIGINT NOT NULL,
    counted_cash_fen    BIGINT NOT NULL CHECK (counted_cash_fen >= 0),
    -- [{"face_fen": 10000, "count": 12}, …]; empty when counted as a total.
    pieces              JSONB NOT NULL,
    expected_cheque_fen BIGINT NOT NULL,
    counted_cheque_fen  BIGINT NOT NULL CHECK (counted_cheque_fen >= 0),
    -- [{"number": "…", "amount": "…"}, …]
    cheques             JSONB NOT NULL,
    difference_fen      BIGINT NOT NULL,
    reason              TEXT,
    payload_hash        TEXT NOT NULL,
    received_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (difference_fen = counted_cash_fen + counted_cheque_fen - expected_cash_fen - expected_cheque_fen),
    CHECK (by_user <> cashier),
    CHECK (difference_fen = 0 OR reason IS NOT NULL)
);

CREATE TABLE hand_in_closes (
    hand_in_key UUID NOT NULL REFERENCES hand_ins (key),
    close_key   UUID NOT NULL REFERENCES closes (key),
    PRIMARY KEY (hand_in_key, close_key)
);
CREATE INDEX hand_in_closes_by_close ON hand_in_closes (close_key);

CREATE TABLE hand_in_reversals (
    key         UUID PRIMARY KEY,
    hand_in_key UUID NOT NULL UNIQUE REFERENCES hand_ins (key),
    by_user     TEXT NOT NULL,
    at          TIMESTAMP NOT NULL,
    reason      TEXT NOT NULL
);

CREATE TRIGGER hand_ins_append_only BEFORE UPDATE OR DELETE ON hand_ins FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER hand_in_closes_append_only BEFORE UPDATE OR DELETE ON hand_in_closes FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER hand_in_reversals_append_only BEFORE UPDATE OR DELETE ON hand_in_reversals FOR EACH ROW EXECUTE FUNCTION refuse_change();
