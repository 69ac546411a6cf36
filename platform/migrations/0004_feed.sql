-- The change feed in commit order. journal.seq is taken when a row is inserted, but parallel
-- pushes and a long HIS import commit in another order, so a pull reading `seq > cursor` could
-- move past a row that commits later. Each journal row now carries the id of the transaction
-- that wrote it (txid); a row whose txid is below the xmin of a snapshot can no longer change
-- (its transaction has ended), so the pull's sequencer gives such rows a feed position (pos),
-- one sequencer at a time (an advisory lock), and devices page by pos. Rows of transactions
-- still open wait, and so does everything after them. Rows written before this migration keep
-- their seq as their position, so cursors already stored on counters stay valid.

ALTER TABLE journal ADD COLUMN txid xid8 NOT NULL DEFAULT '0';
ALTER TABLE journal ALTER COLUMN txid SET DEFAULT pg_current_xact_id();
CREATE INDEX journal_by_txid ON journal (txid);

CREATE TABLE feed (
    pos       BIGINT PRIMARY KEY,
    seq       BIGINT NOT NULL UNIQUE REFERENCES journal (seq),
    ward_code TEXT NOT NULL
);
CREATE INDEX feed_by_ward ON feed (ward_code, pos);
CREATE TRIGGER feed_append_only BEFORE UPDATE OR DELETE ON feed FOR EACH ROW EXECUTE FUNCTION refuse_change();

-- Every row whose txid is below `below` has its position.
CREATE TABLE feed_mark (
    one   BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one),
    below xid8 NOT NULL
);

INSERT INTO feed (pos, seq, ward_code) SELECT seq, seq, ward_code FROM journal;
INSERT INTO feed_mark (below) VALUES ('1');
