-- Approvals with proof (组长授权). A token is issued to the cashier's device when the approver
-- authenticates to the platform; only its SHA-256 is kept, bound to one operation (key,
-- admission, recalled settlement, transfer amount), the approver, the cashier and the device.
-- A pushed recall spends it once.
CREATE TABLE approval_tokens (
    token_hash     TEXT PRIMARY KEY,
    operation_key  UUID NOT NULL,
    admission_id   UUID NOT NULL REFERENCES admissions (id),
    settlement_key UUID NOT NULL,
    amount_fen     BIGINT NOT NULL,
    approver       TEXT NOT NULL REFERENCES users (username),
    cashier        TEXT NOT NULL REFERENCES users (username),
    device_id      UUID NOT NULL REFERENCES devices (id),
    issued_at      TIMESTAMP NOT NULL,
    valid_until    TIMESTAMP NOT NULL,
    used_at        TIMESTAMP
);
CREATE INDEX approval_tokens_by_operation ON approval_tokens (operation_key);

-- When the platform heard from each device: stretches of authenticated requests no more than a
-- few seconds apart. An approval checked offline is believed only for a moment outside them.
CREATE TABLE device_presence (
    device_id UUID NOT NULL REFERENCES devices (id),
    first_at  TIMESTAMP NOT NULL,
    last_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (device_id, first_at)
);

-- Approvals a counter checked offline and the platform believed: each waits for a supervisor's
-- review (never the approver's or the cashier's own).
CREATE TABLE offline_approvals (
    operation_key UUID PRIMARY KEY,
    admission_id  UUID NOT NULL REFERENCES admissions (id),
    device_id     UUID NOT NULL REFERENCES devices (id),
    cashier       TEXT NOT NULL,
    approver      TEXT NOT NULL,
    checked_at    TIMESTAMP NOT NULL,
    received_at   TIMESTAMP NOT NULL,
    verdict       TEXT CHECK (verdict IN ('confirmed', 'disputed')),
    reviewed_by   TEXT,
    reviewed_at   TIMESTAMP,
    note          TEXT
);
