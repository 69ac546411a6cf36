-- The platform's insurance register: every settlement insurance committed (2304) for a linked
-- counter, as insurance answered it, keyed by the settlement's idempotency key. A pushed
-- settlement's insurance figures are re-derived from this row, never taken from the counter.
CREATE TABLE insurance_claims (
    key           UUID PRIMARY KEY,
    admission_id  UUID NOT NULL REFERENCES admissions (id),
    person        TEXT NOT NULL,
    insurance     TEXT NOT NULL,
    reference     TEXT NOT NULL,
    fund_fen      BIGINT NOT NULL CHECK (fund_fen >= 0),
    personal_fen  BIGINT NOT NULL CHECK (personal_fen >= 0),
    settled_by    TEXT NOT NULL,
    device_id     UUID,
    settled_at    TIMESTAMP NOT NULL,
    reversed_at   TIMESTAMP
);
CREATE INDEX insurance_claims_by_person ON insurance_claims (person, settled_at);
