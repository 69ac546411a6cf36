-- Sync with the platform. Every local money or event operation is also written, in the same
-- transaction, to the outbox as the envelope the platform will receive. Acknowledgements are
-- appended, never written over; rows of an operation the platform rejected are listed in
-- rejected_records and left out of the account (their money waits in the pending list).

CREATE TABLE outbox (
    seq          INTEGER PRIMARY KEY,
    key          TEXT NOT NULL UNIQUE,
    admission_id TEXT NOT NULL,
    cashier      TEXT NOT NULL,
    at           TEXT NOT NULL,
    envelope     TEXT NOT NULL
) STRICT;

CREATE TABLE outbox_acks (
    key     TEXT PRIMARY KEY REFERENCES outbox (key),
    outcome TEXT NOT NULL CHECK (outcome IN ('applied', 'duplicate', 'rejected', 'invalid')),
    code    TEXT,
    message TEXT,
    at      TEXT NOT NULL
) STRICT;

CREATE TABLE rejected_records (
    key       TEXT PRIMARY KEY,
    operation TEXT NOT NULL REFERENCES outbox (key)
) STRICT;

-- Blocks of receipt and settlement numbers the platform handed this device, per cashier.
CREATE TABLE receipt_ranges (
    id           INTEGER PRIMARY KEY,
    cashier      TEXT NOT NULL,
    series       TEXT NOT NULL CHECK (series IN ('deposit', 'settlement')),
    first_seq    INTEGER NOT NULL,
    last_seq     INTEGER NOT NULL,
    prefix       TEXT NOT NULL,
    allocated_at TEXT NOT NULL,
    UNIQUE (cashier, series, first_seq),
    CHECK (last_seq >= first_seq)
) STRICT;

CREATE TRIGGER outbox_append_only_u BEFORE UPDATE ON outbox
BEGIN SELECT RAISE(ABORT, 'outbox is append-only'); END;
CREATE TRIGGER outbox_append_only_d BEFORE DELETE ON outbox
BEGIN SELECT RAISE(ABORT, 'outbox is append-only'); END;
CREATE TRIGGER outbox_acks_append_only_u BEFORE UPDATE ON outbox_acks
BEGIN SELECT RAISE(ABORT, 'outbox_acks are append-only'); END;
CREATE TRIGGER outbox_acks_append_only_d BEFORE DELETE ON outbox_acks
BEGIN SELECT RAISE(ABORT, 'outbox_acks are append-only'); END;
