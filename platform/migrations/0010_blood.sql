-- The platform's side of the blood waiver (用血直免).
-- Registrations and reviews are journal records (kinds blood_registration, blood_review); the
-- tables here keep what the blood platform answered and the registrations' materials.

-- Each approved registration the blood platform accepted, once.
CREATE TABLE blood_forwarded (
    registration_key UUID PRIMARY KEY,
    admission_id     UUID NOT NULL REFERENCES admissions (id),
    reference        TEXT NOT NULL,
    remaining_ml     INTEGER,
    rule             TEXT NOT NULL,
    forwarded_at     TIMESTAMP NOT NULL
);
CREATE INDEX blood_forwarded_by_admission ON blood_forwarded (admission_id);

-- The blood platform's register as the platform keeps it: every waiver granted, keyed by the
-- settlement's idempotency key (the business number). A pushed settlement's waiver is checked
-- against this row, never taken from the counter.
CREATE TABLE blood_grants (
    key          UUID PRIMARY KEY,
    admission_id UUID NOT NULL REFERENCES admissions (id),
    reference    TEXT NOT NULL,
    amount_fen   BIGINT NOT NULL CHECK (amount_fen >= 0),
    ml           INTEGER NOT NULL CHECK (ml >= 0),
    uses         JSONB NOT NULL,
    granted_by   TEXT NOT NULL,
    device_id    UUID,
    granted_at   TIMESTAMP NOT NULL,
    cancelled_at TIMESTAMP
);

-- A registration's materials (images), uploaded in chunks each checked by its SHA-256, and
-- kept once by the whole file's SHA-256. A chunk already held is not sent again.
CREATE TABLE materials (
    sha256       TEXT PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    bytes        BIGINT NOT NULL CHECK (bytes > 0),
    chunk_bytes  BIGINT NOT NULL CHECK (chunk_bytes > 0),
    complete_at  TIMESTAMP,
    content      BYTEA
);
CREATE TABLE material_chunks (
    sha256      TEXT NOT NULL REFERENCES materials (sha256),
    index       BIGINT NOT NULL CHECK (index >= 0),
    chunk_sha   TEXT NOT NULL,
    data        BYTEA NOT NULL,
    received_at TIMESTAMP NOT NULL,
    PRIMARY KEY (sha256, index)
);
