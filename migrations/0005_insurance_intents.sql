-- Crash safety of calls to the insurance back-end. Before the counter asks insurance to settle
-- or to reverse, it appends an intent in its own transaction; the outcome is appended later:
-- `done` in the same transaction as the local settlement or recall, `reversed` once what went
-- through at insurance was undone (or nothing had), `failed` when a reversal could not be made
-- (retried at the next start and on demand). An intent without outcome, or whose latest
-- outcome is `failed`, is unresolved: the start-up sweep repairs it. Both tables are
-- append-only.
CREATE TABLE insurance_intents (
    key          TEXT PRIMARY KEY,
    admission_id TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('settle', 'reverse')),
    -- The insurance settlement's reference (the one a reversal undoes); NULL for a settlement.
    reference    TEXT,
    -- What was claimed, for the support desk (insurance type, person, total).
    claim        TEXT NOT NULL,
    at           TEXT NOT NULL,
    CHECK (kind = 'settle' OR reference IS NOT NULL)
) STRICT;

CREATE TABLE insurance_intent_outcomes (
    id      INTEGER PRIMARY KEY,
    key     TEXT NOT NULL REFERENCES insurance_intents (key),
    outcome TEXT NOT NULL CHECK (outcome IN ('done', 'reversed', 'failed')),
    detail  TEXT,
    at      TEXT NOT NULL
) STRICT;
CREATE INDEX insurance_intent_outcomes_by_key ON insurance_intent_outcomes (key, id);

CREATE TRIGGER insurance_intents_append_only_u BEFORE UPDATE ON insurance_intents
BEGIN SELECT RAISE(ABORT, 'insurance_intents are append-only'); END;
CREATE TRIGGER insurance_intents_append_only_d BEFORE DELETE ON insurance_intents
BEGIN SELECT RAISE(ABORT, 'insurance_intents are append-only'); END;
CREATE TRIGGER insurance_intent_outcomes_append_only_u BEFORE UPDATE ON insurance_intent_outcomes
BEGIN SELECT RAISE(ABORT, 'insurance_intent_outcomes are append-only'); END;
CREATE TRIGGER insurance_intent_outcomes_append_only_d BEFORE DELETE ON insurance_intent_outcomes
BEGIN SELECT RAISE(ABORT, 'insurance_intent_outcomes are append-only'); END;
