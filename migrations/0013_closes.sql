-- The day's end (日结 / 缴款). A close (收费员日结) takes every money record of one cashier not yet
-- in a close, up to its cut-off: deposits, reversals and recall transfers, settlements, recalls,
-- receipt voids and the invoice events of the cashier's settlements, recalls and paper copies.
-- Which records it took is written once (close_members); a record made before the close's start
-- that arrived late is marked late (补入). The figures as reported are kept with the close and
-- never change. A close is cancelled (取消日结) by a row of its own, which frees its records for
-- the next close; a hand-in (缴款) by finance covers closes of one cashier and is reversed by a
-- row of its own. Every table is append-only. Times are local hospital time.

CREATE TABLE closes (
    id           INTEGER PRIMARY KEY,
    key          TEXT NOT NULL UNIQUE,
    close_no     TEXT NOT NULL UNIQUE,
    -- Whose close: the username, and the name the records carry.
    cashier      TEXT NOT NULL,
    cashier_name TEXT NOT NULL,
    from_at      TEXT NOT NULL,
    until_at     TEXT NOT NULL,
    made_at      TEXT NOT NULL,
    -- 应缴现金 and the cheques taken, in fen, for the hand-in.
    cash_fen     INTEGER NOT NULL,
    cheque_fen   INTEGER NOT NULL,
    -- The close as reported (contract::close::CloseView, JSON).
    report       TEXT NOT NULL,
    CHECK (until_at >= from_at)
) STRICT;
CREATE INDEX closes_by_cashier ON closes (cashier, id);
CREATE INDEX closes_by_until ON closes (until_at);

CREATE TABLE close_members (
    close_id  INTEGER NOT NULL REFERENCES closes (id),
    kind      TEXT NOT NULL CHECK (kind IN ('deposit', 'settlement', 'recall', 'receipt_void',
                  'pulled_receipt_void', 'invoice_event')),
    record_id INTEGER NOT NULL,
    late      INTEGER NOT NULL CHECK (late IN (0, 1)),
    PRIMARY KEY (close_id, kind, record_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX close_members_by_record ON close_members (kind, record_id);

CREATE TABLE close_cancellations (
    id       INTEGER PRIMARY KEY,
    key      TEXT NOT NULL UNIQUE,
    close_id INTEGER NOT NULL UNIQUE REFERENCES closes (id),
    by_user  TEXT NOT NULL,
    at       TEXT NOT NULL
) STRICT;

-- The records in a close in force (not cancelled): each record is in at most one of them.
CREATE VIEW closed_records AS
SELECT m.kind, m.record_id, m.close_id FROM close_members m
WHERE NOT EXISTS (SELECT 1 FROM close_cancellations x WHERE x.close_id = m.close_id);

CREATE TABLE hand_ins (
    id                  INTEGER PRIMARY KEY,
    key                 TEXT NOT NULL UNIQUE,
    hand_in_no          TEXT NOT NULL UNIQUE,
    -- Whose closes (username), and who collected them (finance, username).
    cashier             TEXT NOT NULL,
    by_user             TEXT NOT NULL,
    at                  TEXT NOT NULL,
    expected_cash_fen   INTEGER NOT NULL,
    counted_cash_fen    INTEGER NOT NULL CHECK (counted_cash_fen >= 0),
    -- The notes and coins counted ({"10000": 12, "50": 3}: face value in fen → pieces), when
    -- counted by denomination.
    denominations       TEXT,
    expected_cheque_fen INTEGER NOT NULL,
    -- The cheques received ([{"no": "…", "amount_fen": 1}]).
    cheques             TEXT NOT NULL,
    counted_cheque_fen  INTEGER NOT NULL CHECK (counted_cheque_fen >= 0),
    -- counted − expected, cash and cheques: above zero 长款, below 短款.
    difference_fen      INTEGER NOT NULL,
    reason              TEXT,
    CHECK (difference_fen = counted_cash_fen + counted_cheque_fen - expected_cash_fen - expected_cheque_fen),
    CHECK (difference_fen = 0 OR length(trim(reason)) > 0)
) STRICT;

CREATE TABLE hand_in_closes (
    hand_in_id INTEGER NOT NULL REFERENCES hand_ins (id),
    close_id   INTEGER NOT NULL REFERENCES closes (id),
    PRIMARY KEY (hand_in_id, close_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX hand_in_closes_by_close ON hand_in_closes (close_id);

CREATE TABLE hand_in_reversals (
    id         INTEGER PRIMARY KEY,
    key        TEXT NOT NULL UNIQUE,
    hand_in_id INTEGER NOT NULL UNIQUE REFERENCES hand_ins (id),
    by_user    TEXT NOT NULL,
    at         TEXT NOT NULL,
    reason     TEXT NOT NULL CHECK (length(trim(reason)) > 0)
) STRICT;

CREATE TRIGGER closes_append_only_u BEFORE UPDATE ON closes
BEGIN SELECT RAISE(ABORT, 'closes are append-only'); END;
CREATE TRIGGER closes_append_only_d BEFORE DELETE ON closes
BEGIN SELECT RAISE(ABORT, 'closes are append-only'); END;
CREATE TRIGGER close_members_append_only_u BEFORE UPDATE ON close_members
BEGIN SELECT RAISE(ABORT, 'close_members are append-only'); END;
CREATE TRIGGER close_members_append_only_d BEFORE DELETE ON close_members
BEGIN SELECT RAISE(ABORT, 'close_members are append-only'); END;
CREATE TRIGGER close_cancellations_append_only_u BEFORE UPDATE ON close_cancellations
BEGIN SELECT RAISE(ABORT, 'close_cancellations are append-only'); END;
CREATE TRIGGER close_cancellations_append_only_d BEFORE DELETE ON close_cancellations
BEGIN SELECT RAISE(ABORT, 'close_cancellations are append-only'); END;
CREATE TRIGGER hand_ins_append_only_u BEFORE UPDATE ON hand_ins
BEGIN SELECT RAISE(ABORT, 'hand_ins are append-only'); END;
CREATE TRIGGER hand_ins_append_only_d BEFORE DELETE ON hand_ins
BEGIN SELECT RAISE(ABORT, 'hand_ins are append-only'); END;
CREATE TRIGGER hand_in_closes_append_only_u BEFORE UPDATE ON hand_in_closes
BEGIN SELECT RAISE(ABORT, 'hand_in_closes are append-only'); END;
CREATE TRIGGER hand_in_closes_append_only_d BEFORE DELETE ON hand_in_closes
BEGIN SELECT RAISE(ABORT, 'hand_in_closes are append-only'); END;
CREATE TRIGGER hand_in_reversals_append_only_u BEFORE UPDATE ON hand_in_reversals
BEGIN SELECT RAISE(ABORT, 'hand_in_reversals are append-only'); END;
CREATE TRIGGER hand_in_reversals_append_only_d BEFORE DELETE ON hand_in_reversals
BEGIN SELECT RAISE(ABORT, 'hand_in_reversals are append-only'); END;

-- A close reads one cashier's records up to its cut-off.
CREATE INDEX deposits_by_cashier ON deposits (cashier, at);
CREATE INDEX settlements_by_cashier ON settlements (cashier, at);
CREATE INDEX settlement_recalls_by_user ON settlement_recalls (by_user, at);

-- The hospital's day reads the records of a span of time.
CREATE INDEX deposits_by_at ON deposits (at);
CREATE INDEX settlements_by_at ON settlements (at);
CREATE INDEX settlement_recalls_by_at ON settlement_recalls (at);
CREATE INDEX fee_items_by_charged_at ON fee_items (charged_at);
CREATE INDEX fee_item_events_by_at ON fee_item_events (at);
