-- The local cache of one counter: wards, users, patients, admissions and their journal.
-- Money is INTEGER fen. Money rows (fees, deposits, settlements, recalls, receipts) and events are
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
    password_hash TEXT NOT NULL,
    -- Printed before each receipt number of this cashier (e.g. YJ01 → YJ0100000001).
    receipt_prefix TEXT NOT NULL DEFAULT ''
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
CREATE INDEX patients_by_initials ON patients (name_initials, name);

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

CREATE TABLE settlements (
    id                   INTEGER PRIMARY KEY,
    idempotency_key      TEXT NOT NULL UNIQUE,
    admission_id         TEXT NOT NULL REFERENCES admissions (id),
    settlement_no        TEXT NOT NULL UNIQUE,
    kind                 TEXT NOT NULL CHECK (kind IN ('mid_stay', 'discharge')),
    fees_fen             INTEGER NOT NULL,
    insurance_fund_fen   INTEGER NOT NULL CHECK (insurance_fund_fen >= 0),
    personal_account_fen INTEGER NOT NULL CHECK (personal_account_fen >= 0),
    blood_fen            INTEGER NOT NULL CHECK (blood_fen >= 0),
    deposits_applied_fen INTEGER NOT NULL,
    due_fen              INTEGER NOT NULL,
    insurance_ref        TEXT,
    place                TEXT NOT NULL CHECK (place IN ('counter', 'ward_station', 'bedside', 'kiosk')),
    cashier              TEXT NOT NULL,
    at                   TEXT NOT NULL,
    -- The account version the trial saw; the settlement was refused had it changed.
    trial_version        TEXT NOT NULL,
    -- E-invoice state when settled; issuing records its progress in its own table.
    invoice_status       TEXT NOT NULL DEFAULT 'pending' CHECK (invoice_status IN ('pending')),
    CHECK (fees_fen - insurance_fund_fen - personal_account_fen - blood_fen - deposits_applied_fen = due_fen)
) STRICT;
CREATE INDEX settlements_by_admission ON settlements (admission_id, id);

CREATE TABLE settlement_fees (
    settlement_id INTEGER NOT NULL REFERENCES settlements (id),
    fee_item_id   INTEGER NOT NULL REFERENCES fee_items (id),
    PRIMARY KEY (settlement_id, fee_item_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE settlement_recalls (
    id              INTEGER PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE,
    settlement_id   INTEGER NOT NULL UNIQUE REFERENCES settlements (id),
    kind            TEXT NOT NULL CHECK (kind IN ('settlement', 'discharge')),
    at              TEXT NOT NULL,
    by_user         TEXT NOT NULL,
    approved_by     TEXT NOT NULL,
    reason          TEXT NOT NULL
) STRICT;

CREATE TABLE deposits (
    id              INTEGER PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE,
    admission_id    TEXT NOT NULL REFERENCES admissions (id),
    receipt_no      TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL CHECK (kind IN ('deposit', 'reversal', 'recall_transfer')),
    reverses_id     INTEGER REFERENCES deposits (id),
    settlement_id   INTEGER REFERENCES settlements (id),
    amount_fen      INTEGER NOT NULL,
    cashier         TEXT NOT NULL,
    at              TEXT NOT NULL,
    CHECK ((kind = 'deposit' AND amount_fen > 0 AND reverses_id IS NULL AND settlement_id IS NULL)
        OR (kind = 'reversal' AND amount_fen < 0 AND reverses_id IS NOT NULL AND settlement_id IS NULL)
        OR (kind = 'recall_transfer' AND reverses_id IS NULL AND settlement_id IS NOT NULL))
) STRICT;
CREATE INDEX deposits_by_admission ON deposits (admission_id, id);

CREATE TABLE deposit_tenders (
    deposit_id INTEGER NOT NULL REFERENCES deposits (id),
    seq        INTEGER NOT NULL,
    tender     TEXT NOT NULL CHECK (tender IN ('cash', 'cheque', 'card', 'wechat', 'alipay', 'sscard')),
    amount_fen INTEGER NOT NULL,
    reference  TEXT,
    PRIMARY KEY (deposit_id, seq)
) STRICT;

CREATE TABLE settlement_payments (
    settlement_id INTEGER NOT NULL REFERENCES settlements (id),
    seq           INTEGER NOT NULL,
    tender        TEXT NOT NULL CHECK (tender IN ('cash', 'cheque', 'card', 'wechat', 'alipay', 'sscard')),
    -- Positive when collected, negative when refunded.
    amount_fen    INTEGER NOT NULL CHECK (amount_fen != 0),
    reference     TEXT,
    -- A refund by original route names the deposit whose money goes back.
    deposit_id    INTEGER REFERENCES deposits (id),
    PRIMARY KEY (settlement_id, seq)
) STRICT;

-- Confirmation (确费) or cancellation of a fee line after it was charged.
CREATE TABLE fee_item_events (
    id              INTEGER PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE,
    fee_item_id     INTEGER NOT NULL REFERENCES fee_items (id),
    kind            TEXT NOT NULL CHECK (kind IN ('confirmed', 'cancelled')),
    at              TEXT NOT NULL,
    actor           TEXT NOT NULL,
    reason          TEXT
) STRICT;
CREATE INDEX fee_item_events_by_item ON fee_item_events (fee_item_id, id);

-- Blood reimbursements the blood platform approved (用血减免), deducted at settlement.
CREATE TABLE blood_reimbursements (
    id              INTEGER PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE,
    admission_id    TEXT NOT NULL REFERENCES admissions (id),
    certificate_no  TEXT NOT NULL,
    donor_name      TEXT NOT NULL,
    relationship    TEXT NOT NULL,
    volume_ml       INTEGER NOT NULL CHECK (volume_ml > 0),
    amount_fen      INTEGER NOT NULL CHECK (amount_fen > 0),
    approved_at     TEXT NOT NULL
) STRICT;
CREATE INDEX blood_reimbursements_by_admission ON blood_reimbursements (admission_id);

-- Receipt and settlement numbers: per cashier and series, gap-free. A number is issued in the
-- same transaction as what it numbers; a spoiled receipt is voided, never reissued.
CREATE TABLE receipts (
    id         INTEGER PRIMARY KEY,
    receipt_no TEXT NOT NULL UNIQUE,
    cashier    TEXT NOT NULL,
    series     TEXT NOT NULL CHECK (series IN ('deposit', 'settlement')),
    seq        INTEGER NOT NULL CHECK (seq > 0),
    issued_at  TEXT NOT NULL,
    -- What the number is printed on: a deposit (or reversal), or a settlement.
    deposit_id    INTEGER REFERENCES deposits (id),
    settlement_id INTEGER REFERENCES settlements (id),
    UNIQUE (cashier, series, seq),
    CHECK ((deposit_id IS NULL) != (settlement_id IS NULL))
) STRICT;
CREATE INDEX receipts_by_deposit ON receipts (deposit_id);

CREATE TABLE receipt_voids (
    id         INTEGER PRIMARY KEY,
    receipt_no TEXT NOT NULL UNIQUE REFERENCES receipts (receipt_no),
    at         TEXT NOT NULL,
    by_user    TEXT NOT NULL,
    reason     TEXT NOT NULL
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
CREATE TRIGGER settlements_append_only_u BEFORE UPDATE ON settlements
BEGIN SELECT RAISE(ABORT, 'settlements are append-only'); END;
CREATE TRIGGER settlements_append_only_d BEFORE DELETE ON settlements
BEGIN SELECT RAISE(ABORT, 'settlements are append-only'); END;
CREATE TRIGGER settlement_fees_append_only_u BEFORE UPDATE ON settlement_fees
BEGIN SELECT RAISE(ABORT, 'settlement_fees are append-only'); END;
CREATE TRIGGER settlement_fees_append_only_d BEFORE DELETE ON settlement_fees
BEGIN SELECT RAISE(ABORT, 'settlement_fees are append-only'); END;
CREATE TRIGGER settlement_recalls_append_only_u BEFORE UPDATE ON settlement_recalls
BEGIN SELECT RAISE(ABORT, 'settlement_recalls are append-only'); END;
CREATE TRIGGER settlement_recalls_append_only_d BEFORE DELETE ON settlement_recalls
BEGIN SELECT RAISE(ABORT, 'settlement_recalls are append-only'); END;
CREATE TRIGGER settlement_payments_append_only_u BEFORE UPDATE ON settlement_payments
BEGIN SELECT RAISE(ABORT, 'settlement_payments are append-only'); END;
CREATE TRIGGER settlement_payments_append_only_d BEFORE DELETE ON settlement_payments
BEGIN SELECT RAISE(ABORT, 'settlement_payments are append-only'); END;
CREATE TRIGGER fee_item_events_append_only_u BEFORE UPDATE ON fee_item_events
BEGIN SELECT RAISE(ABORT, 'fee_item_events are append-only'); END;
CREATE TRIGGER fee_item_events_append_only_d BEFORE DELETE ON fee_item_events
BEGIN SELECT RAISE(ABORT, 'fee_item_events are append-only'); END;
CREATE TRIGGER blood_reimbursements_append_only_u BEFORE UPDATE ON blood_reimbursements
BEGIN SELECT RAISE(ABORT, 'blood_reimbursements are append-only'); END;
CREATE TRIGGER blood_reimbursements_append_only_d BEFORE DELETE ON blood_reimbursements
BEGIN SELECT RAISE(ABORT, 'blood_reimbursements are append-only'); END;
CREATE TRIGGER receipts_append_only_u BEFORE UPDATE ON receipts
BEGIN SELECT RAISE(ABORT, 'receipts are append-only'); END;
CREATE TRIGGER receipts_append_only_d BEFORE DELETE ON receipts
BEGIN SELECT RAISE(ABORT, 'receipts are append-only'); END;
CREATE TRIGGER receipt_voids_append_only_u BEFORE UPDATE ON receipt_voids
BEGIN SELECT RAISE(ABORT, 'receipt_voids are append-only'); END;
CREATE TRIGGER receipt_voids_append_only_d BEFORE DELETE ON receipt_voids
BEGIN SELECT RAISE(ABORT, 'receipt_voids are append-only'); END;
