-- The platform's system of record. The journal holds every admission, fee line, deposit,
-- settlement, recall and event as a record (JSON), keyed by its UUID; its seq is the change
-- feed devices pull. Operations remember each pushed key with the hash of its payload, so a
-- retried push returns its first answer. The journal, operations and the audit log are
-- append-only: triggers refuse UPDATE and DELETE.

CREATE TABLE users (
    username       TEXT PRIMARY KEY,
    display_name   TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('cashier', 'finance', 'supervisor', 'admin')),
    password_hash  TEXT NOT NULL,
    receipt_prefix TEXT NOT NULL DEFAULT ''
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    username   TEXT NOT NULL REFERENCES users (username),
    device_id  UUID,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE login_failures (
    id       BIGSERIAL PRIMARY KEY,
    username TEXT NOT NULL,
    at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX login_failures_by_user ON login_failures (username, at);

CREATE TABLE devices (
    id            UUID PRIMARY KEY,
    name          TEXT NOT NULL,
    place         TEXT NOT NULL CHECK (place IN ('counter', 'ward_station', 'bedside', 'kiosk')),
    wards         TEXT[] NOT NULL,
    registered_at TIMESTAMPTZ NOT NULL,
    registered_by TEXT NOT NULL
);

-- Next receipt or settlement number per cashier and series; blocks are handed to devices.
CREATE TABLE receipt_counters (
    cashier  TEXT NOT NULL,
    series   TEXT NOT NULL CHECK (series IN ('deposit', 'settlement')),
    next_seq BIGINT NOT NULL,
    PRIMARY KEY (cashier, series)
);

CREATE TABLE receipt_ranges (
    id           BIGSERIAL PRIMARY KEY,
    device_id    UUID NOT NULL REFERENCES devices (id),
    cashier      TEXT NOT NULL,
    series       TEXT NOT NULL,
    first_seq    BIGINT NOT NULL,
    last_seq     BIGINT NOT NULL,
    allocated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (cashier, series, first_seq),
    CHECK (last_seq >= first_seq)
);

CREATE TABLE admissions (
    id        UUID PRIMARY KEY,
    case_no   TEXT NOT NULL UNIQUE,
    ward_code TEXT NOT NULL,
    name      TEXT NOT NULL,
    initials  TEXT NOT NULL
);
CREATE INDEX admissions_by_name ON admissions (name);

CREATE TABLE journal (
    seq          BIGSERIAL PRIMARY KEY,
    key          UUID NOT NULL UNIQUE,
    admission_id UUID NOT NULL REFERENCES admissions (id),
    ward_code    TEXT NOT NULL,
    kind         TEXT NOT NULL,
    record       JSONB NOT NULL,
    -- The device whose push wrote it; NULL for HIS imports and the platform's own records.
    origin       UUID REFERENCES devices (id),
    operation    UUID,
    stored_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX journal_by_admission ON journal (admission_id, seq);
CREATE INDEX journal_by_ward ON journal (ward_code, seq);

CREATE TABLE operations (
    key          UUID PRIMARY KEY,
    device_id    UUID NOT NULL REFERENCES devices (id),
    admission_id UUID NOT NULL,
    payload_hash TEXT NOT NULL,
    outcome      TEXT NOT NULL CHECK (outcome IN ('applied', 'rejected')),
    code         TEXT,
    message      TEXT,
    envelope     JSONB NOT NULL,
    cashier      TEXT NOT NULL,
    received_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX operations_rejected ON operations (received_at) WHERE outcome = 'rejected';

-- How a supervisor resolved a rejected operation's money (待处理).
CREATE TABLE pending_resolutions (
    key         UUID PRIMARY KEY REFERENCES operations (key),
    action      TEXT NOT NULL CHECK (action IN ('refund', 'deposit')),
    note        TEXT NOT NULL,
    resolved_by TEXT NOT NULL,
    resolved_at TIMESTAMPTZ NOT NULL
);

-- Each row holds the hash of the previous one: SHA-256 over prev_hash, id, at, actor, action
-- and detail (the exact text stored). `platform audit verify` walks the chain.
CREATE TABLE audit_log (
    id        BIGINT PRIMARY KEY,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    detail    TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);

CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$;
CREATE TRIGGER journal_append_only BEFORE UPDATE OR DELETE ON journal FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER operations_append_only BEFORE UPDATE OR DELETE ON operations FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER pending_resolutions_append_only BEFORE UPDATE OR DELETE ON pending_resolutions FOR EACH ROW EXECUTE FUNCTION refuse_change();
