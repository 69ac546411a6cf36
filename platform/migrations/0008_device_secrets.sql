-- A device proves itself with the secret handed out at its registration: only its SHA-256 is
-- kept. A device registered before secrets existed has none and must be registered again.
ALTER TABLE devices ADD COLUMN secret_hash TEXT;
