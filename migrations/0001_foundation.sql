-- The local cache of one counter: wards, users, patients, admissions and their journal.
-- Money is INTEGER fen. Money rows (fee_items, deposits, deposit_tenders) and events are
-- append-only: triggers refuse UPDATE and DELETE, corrections are new rows. Every money or
-- event row carries a client-generated UUIDv7 idempotency key with a UNIQUE constraint.
-- Times are local hospital time, 'YYYY-MM-DD HH:MM:SS'.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE wards (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL
) STRICT;

CREATE TABLE users (
    username      TEXT PRIMARY KEY,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('cashier', 'finance', 'supervisor', 'admin')),
    password_hash TEXT NOT NULL
) STRICT;

CREATE TABLE login_attempts (
    id        INTEGER PRIMARY KEY,
    username  TEXT NOT NULL,
    at        TEXT NOT NULL,
    succeeded INTEGER NOT NULL CHECK (succeeded IN (0, 1))
) STRICT;
CREATE INDEX login_attempts_by_user ON login_attempts (username, id);

CREATE TABLE patients (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    name_initials TEXT NOT NULL,
    sex           TEXT NOT NULL CHECK (sex IN ('M', 'F')),
    birth_date    TEXT NOT NULL,
    resident_id   TEXT UNIQUE
) STRICT;
CREATE INDEX patients_by_name ON patients (name);
CREATE INDEX patients_by_initials ON patients (name_initials);

CREATE TABLE admissions (
    id             TEXT PRIMARY KEY,
    case_no        TEXT NOT NULL UNIQUE,
    patient_id     TEXT NOT NULL REFERENCES patients (id),
    ward_code      TEXT NOT NULL REFERENCES wards (code),
    bed_no         TEXT NOT NULL,
    insurance_type TEXT NOT NULL CHECK (insurance_type IN ('employee', 'resident', 'self_pay')),
    admitted_at    TEXT NOT NULL,
    department     TEXT NOT NULL,
    doctor         TEXT NOT NULL,
    diagnosis      TEXT NOT NULL
) STRICT;
CREATE INDEX admissions_by_patient ON admissions (patient_id);

CREATE TABLE admission_events (
    id              INTEGER PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE,
    admission_id    TEXT NOT NULL REFERENCES admissions (id),
    kind            TEXT NOT NULL CHECK (kind IN ('discharge_ordered', 'discharge_order_cancelled',
                        'audit_passed', 'audit_returned', 'settled', 'settlement_recalled',
                        'discharge_recalled')),
    at              TEXT NOT NULL,
    actor           TEXT NOT NULL,
    reason          TEXT
) STRICT;
CREATE INDEX admission_events_by_admission ON admission_events (admission_id, id);

CREATE TABLE fee_items (
    id              INTEGER PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE,
    admission_id    TEXT NOT NULL REFERENCES admissions (id),
    item_code       TEXT NOT NULL,
    item_name       TEXT NOT NULL,
    category        TEXT NOT NULL CHECK (category IN ('bed', 'nursing', 'consultation', 'examination',
                        'laboratory', 'treatment', 'surgery', 'drug', 'herbal_drug', 'material',
                        'blood', 'other')),
    spec            TEXT NOT NULL,
    unit            TEXT NOT NULL,
    quantity        TEXT NOT NULL,
    unit_price_fen  INTEGER NOT NULL,
    amount_fen      INTEGER NOT NULL,
    charged_at      TEXT NOT NULL,
    department      TEXT NOT NULL,
    -- Status when charged; later confirmation or cancellation is a fee_item_events row.
    status          TEXT NOT NULL CHECK (status IN ('confirmed', 'unconfirmed', 'cancelled'))
) STRICT;
CREATE INDEX fee_items_by_admission ON fee_items (admission_id, charged_at, id);

CREATE TABLE deposits (
    id              INTEGER PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE,
    admission_id    TEXT NOT NULL REFERENCES admissions (id),
    receipt_no      TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL CHECK (kind IN ('deposit', 'reversal')),
    reverses_id     INTEGER REFERENCES deposits (id),
    amount_fen      INTEGER NOT NULL,
    cashier         TEXT NOT NULL,
    at              TEXT NOT NULL,
    CHECK ((kind = 'deposit' AND amount_fen > 0 AND reverses_id IS NULL)
        OR (kind = 'reversal' AND amount_fen < 0 AND reverses_id IS NOT NULL))
) STRICT;
CREATE INDEX deposits_by_admission ON deposits (admission_id, id);
CREATE UNIQUE INDEX deposits_reversed_once ON deposits (reverses_id) WHERE reverses_id IS NOT NULL;

CREATE TABLE deposit_tenders (
    deposit_id INTEGER NOT NULL REFERENCES deposits (id),
    seq        INTEGER NOT NULL,
    tender     TEXT NOT NULL CHECK (tender IN ('cash', 'cheque', 'card', 'wechat', 'alipay', 'sscard')),
    amount_fen INTEGER NOT NULL,
    reference  TEXT,
    PRIMARY KEY (deposit_id, seq)
) STRICT;

CREATE TRIGGER fee_items_append_only_u BEFORE UPDATE ON fee_items
BEGIN SELECT RAISE(ABORT, 'fee_items are append-only'); END;
CREATE TRIGGER fee_items_append_only_d BEFORE DELETE ON fee_items
BEGIN SELECT RAISE(ABORT, 'fee_items are append-only'); END;
CREATE TRIGGER deposits_append_only_u BEFORE UPDATE ON deposits
BEGIN SELECT RAISE(ABORT, 'deposits are append-only'); END;
CREATE TRIGGER deposits_append_only_d BEFORE DELETE ON deposits
BEGIN SELECT RAISE(ABORT, 'deposits are append-only'); END;
CREATE TRIGGER deposit_tenders_append_only_u BEFORE UPDATE ON deposit_tenders
BEGIN SELECT RAISE(ABORT, 'deposit_tenders are append-only'); END;
CREATE TRIGGER deposit_tenders_append_only_d BEFORE DELETE ON deposit_tenders
BEGIN SELECT RAISE(ABORT, 'deposit_tenders are append-only'); END;
CREATE TRIGGER admission_events_append_only_u BEFORE UPDATE ON admission_events
BEGIN SELECT RAISE(ABORT, 'admission_events are append-only'); END;
CREATE TRIGGER admission_events_append_only_d BEFORE DELETE ON admission_events
BEGIN SELECT RAISE(ABORT, 'admission_events are append-only'); END;
