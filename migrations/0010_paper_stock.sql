-- Pre-numbered paper held at this counter (票据领用): ranges received per cashier, of fiscal
-- invoice paper or deposit receipt paper, and numbers written off as lost or damaged (核销).
-- A number is used when a paper copy is printed on it (invoice_events.paper_no). Append-only.
CREATE TABLE paper_ranges (
    id          INTEGER PRIMARY KEY,
    key         TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL CHECK (kind IN ('invoice', 'receipt')),
    holder      TEXT NOT NULL,
    prefix      TEXT NOT NULL,
    first       INTEGER NOT NULL CHECK (first >= 0),
    last        INTEGER NOT NULL CHECK (last >= first),
    width       INTEGER NOT NULL CHECK (width BETWEEN 1 AND 18),
    received_by TEXT NOT NULL,
    at          TEXT NOT NULL
) STRICT;

CREATE TABLE paper_write_offs (
    id      INTEGER PRIMARY KEY,
    key     TEXT NOT NULL UNIQUE,
    kind    TEXT NOT NULL CHECK (kind IN ('invoice', 'receipt')),
    holder  TEXT NOT NULL,
    -- One row per number written off, in its printed form.
    paper_no TEXT NOT NULL,
    reason  TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    by_user TEXT NOT NULL,
    at      TEXT NOT NULL,
    UNIQUE (kind, paper_no)
) STRICT;

CREATE TRIGGER paper_ranges_append_only_u BEFORE UPDATE ON paper_ranges
BEGIN SELECT RAISE(ABORT, 'paper_ranges are append-only'); END;
CREATE TRIGGER paper_ranges_append_only_d BEFORE DELETE ON paper_ranges
BEGIN SELECT RAISE(ABORT, 'paper_ranges are append-only'); END;
CREATE TRIGGER paper_write_offs_append_only_u BEFORE UPDATE ON paper_write_offs
BEGIN SELECT RAISE(ABORT, 'paper_write_offs are append-only'); END;
CREATE TRIGGER paper_write_offs_append_only_d BEFORE DELETE ON paper_write_offs
BEGIN SELECT RAISE(ABORT, 'paper_write_offs are append-only'); END;
