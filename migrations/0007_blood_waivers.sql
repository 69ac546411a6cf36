-- The blood platform's answers kept at the counter: that it accepted a registration (its
-- reference and what the certificates had left then), and each waiver it granted at a
-- settlement with the products it paid for. A recall appends the waiver's cancellation: the
-- same settlement, negative amount and ml (and negative rows in blood_certificate_use, so the
-- millilitres are back). All append-only.
CREATE TABLE blood_forwarded (
    id              INTEGER PRIMARY KEY,
    registration_id INTEGER NOT NULL UNIQUE REFERENCES blood_registrations (id),
    reference       TEXT NOT NULL,
    remaining_ml    INTEGER CHECK (remaining_ml >= 0),
    at              TEXT NOT NULL
) STRICT;

CREATE TABLE blood_waivers (
    id            INTEGER PRIMARY KEY,
    key           TEXT NOT NULL UNIQUE,
    admission_id  TEXT NOT NULL REFERENCES admissions (id),
    settlement_id INTEGER NOT NULL REFERENCES settlements (id),
    reference     TEXT NOT NULL,
    amount_fen    INTEGER NOT NULL CHECK (amount_fen <> 0),
    ml            INTEGER NOT NULL CHECK ((amount_fen > 0 AND ml >= 0) OR (amount_fen < 0 AND ml <= 0)),
    at            TEXT NOT NULL
) STRICT;
-- A settlement has at most one waiver and at most one cancellation of it.
CREATE UNIQUE INDEX blood_waivers_once ON blood_waivers (settlement_id, amount_fen > 0);
CREATE INDEX blood_waivers_by_admission ON blood_waivers (admission_id);

CREATE TABLE blood_waiver_products (
    id         INTEGER PRIMARY KEY,
    waiver_id  INTEGER NOT NULL REFERENCES blood_waivers (id),
    item_name  TEXT NOT NULL,
    ml         INTEGER NOT NULL CHECK (ml > 0),
    amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
    covered_ml INTEGER NOT NULL CHECK (covered_ml >= 0 AND covered_ml <= ml),
    waived_fen INTEGER NOT NULL CHECK (waived_fen >= 0 AND waived_fen <= amount_fen)
) STRICT;

CREATE TRIGGER blood_forwarded_append_only_u BEFORE UPDATE ON blood_forwarded
BEGIN SELECT RAISE(ABORT, 'blood_forwarded is append-only'); END;
CREATE TRIGGER blood_forwarded_append_only_d BEFORE DELETE ON blood_forwarded
BEGIN SELECT RAISE(ABORT, 'blood_forwarded is append-only'); END;
CREATE TRIGGER blood_waivers_append_only_u BEFORE UPDATE ON blood_waivers
BEGIN SELECT RAISE(ABORT, 'blood_waivers are append-only'); END;
CREATE TRIGGER blood_waivers_append_only_d BEFORE DELETE ON blood_waivers
BEGIN SELECT RAISE(ABORT, 'blood_waivers are append-only'); END;
CREATE TRIGGER blood_waiver_products_append_only_u BEFORE UPDATE ON blood_waiver_products
BEGIN SELECT RAISE(ABORT, 'blood_waiver_products are append-only'); END;
CREATE TRIGGER blood_waiver_products_append_only_d BEFORE DELETE ON blood_waiver_products
BEGIN SELECT RAISE(ABORT, 'blood_waiver_products are append-only'); END;
