-- The blood waiver at a linked counter: a review carries the idempotency key it travels to the
-- platform under (NULL for reviews made before), and the materials the platform holds whole
-- are remembered so that an upload is not repeated. Both append-only.
ALTER TABLE blood_reviews ADD COLUMN key TEXT;
CREATE UNIQUE INDEX blood_reviews_by_key ON blood_reviews (key) WHERE key IS NOT NULL;

CREATE TABLE materials_uploaded (
    sha256 TEXT PRIMARY KEY CHECK (length(sha256) = 64),
    at     TEXT NOT NULL
) STRICT;
CREATE TRIGGER materials_uploaded_append_only_u BEFORE UPDATE ON materials_uploaded
BEGIN SELECT RAISE(ABORT, 'materials_uploaded is append-only'); END;
CREATE TRIGGER materials_uploaded_append_only_d BEFORE DELETE ON materials_uploaded
BEGIN SELECT RAISE(ABORT, 'materials_uploaded is append-only'); END;
