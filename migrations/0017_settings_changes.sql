-- Every change of a counter setting made in 设置 (printers, 套打 offsets, capture, place, the
-- platform's address): who, when, the value before and after. Append-only; the settings screen
-- lists the newest, the diagnostics zip leaves secrets out of the settings themselves.
CREATE TABLE settings_changes (
    id      INTEGER PRIMARY KEY,
    key     TEXT NOT NULL,
    before  TEXT,
    after   TEXT NOT NULL,
    by_user TEXT NOT NULL,
    at      TEXT NOT NULL
) STRICT;

CREATE TRIGGER settings_changes_append_only_u BEFORE UPDATE ON settings_changes
BEGIN SELECT RAISE(ABORT, 'settings changes are append-only'); END;
CREATE TRIGGER settings_changes_append_only_d BEFORE DELETE ON settings_changes
BEGIN SELECT RAISE(ABORT, 'settings changes are append-only'); END;
