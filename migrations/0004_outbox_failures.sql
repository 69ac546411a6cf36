-- Operations the platform could not apply (answered `failed`: an internal error there, nothing
-- kept). Each attempt is appended with when the counter may send the operation again: the wait
-- doubles with each attempt (10 s, 20 s, 40 s … up to an hour). Meanwhile the rest of the outbox
-- goes on; an operation stays failed until an answer in outbox_acks ends it.
CREATE TABLE outbox_failures (
    key      TEXT NOT NULL REFERENCES outbox (key),
    attempt  INTEGER NOT NULL CHECK (attempt >= 1),
    code     TEXT,
    message  TEXT,
    at       TEXT NOT NULL,
    retry_at TEXT NOT NULL,
    PRIMARY KEY (key, attempt)
) STRICT;

CREATE TRIGGER outbox_failures_append_only_u BEFORE UPDATE ON outbox_failures
BEGIN SELECT RAISE(ABORT, 'outbox_failures are append-only'); END;
CREATE TRIGGER outbox_failures_append_only_d BEFORE DELETE ON outbox_failures
BEGIN SELECT RAISE(ABORT, 'outbox_failures are append-only'); END;
