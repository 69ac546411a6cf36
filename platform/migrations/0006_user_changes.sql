-- Disabling a user and changing a password. `users` holds the current state (disabled_at, the
-- password hash); `user_changes` keeps every change, append-only, with who made it and when.
-- Disabling ends the user's sessions at once; a new password ends the user's other sessions.

ALTER TABLE users ADD COLUMN disabled_at TIMESTAMPTZ;

CREATE TABLE user_changes (
    id            BIGSERIAL PRIMARY KEY,
    username      TEXT NOT NULL REFERENCES users (username),
    change        TEXT NOT NULL CHECK (change IN ('disabled', 'enabled', 'password')),
    password_hash TEXT,
    by_user       TEXT NOT NULL,
    at            TIMESTAMPTZ NOT NULL
);

CREATE TRIGGER user_changes_append_only BEFORE UPDATE OR DELETE ON user_changes FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER user_changes_no_truncate BEFORE TRUNCATE ON user_changes FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
