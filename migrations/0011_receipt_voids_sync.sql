-- Receipt voids (作废重打) made at other counters, as the platform's feed brings them: the
-- deposit's receipt number voided and the number it carries since. A deposit shows its newest
-- number: printed here (receipts) if any, else the newest received here, else its original.
-- Append-only.
CREATE TABLE pulled_receipt_voids (
    id         INTEGER PRIMARY KEY,
    key        TEXT NOT NULL UNIQUE,
    deposit_id INTEGER NOT NULL REFERENCES deposits (id),
    voided_no  TEXT NOT NULL,
    new_no     TEXT NOT NULL UNIQUE,
    reason     TEXT NOT NULL,
    by_user    TEXT NOT NULL,
    at         TEXT NOT NULL
) STRICT;

CREATE TRIGGER pulled_receipt_voids_append_only_u BEFORE UPDATE ON pulled_receipt_voids
BEGIN SELECT RAISE(ABORT, 'pulled_receipt_voids are append-only'); END;
CREATE TRIGGER pulled_receipt_voids_append_only_d BEFORE DELETE ON pulled_receipt_voids
BEGIN SELECT RAISE(ABORT, 'pulled_receipt_voids are append-only'); END;
