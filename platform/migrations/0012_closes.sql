-- 日结 reported by linked counters. The platform keeps each close with the journal records it
-- holds and the figures it re-derived from them (never the counter's); a record is in at most one
-- close in force; a cashier's closes follow one another without overlapping. A cancellation is a
-- row of its own. Append-only.
CREATE TABLE closes (
    key              UUID PRIMARY KEY,
    close_no         TEXT NOT NULL UNIQUE,
    cashier          TEXT NOT NULL,
    cashier_name     TEXT NOT NULL,
    device_id        UUID REFERENCES devices (id),
    from_at          TIMESTAMP NOT NULL,
    until_at         TIMESTAMP NOT NULL,
    -- Net per tender code and total, as the platform computed it.
    net              JSONB NOT NULL,
    fees_settled_fen BIGINT NOT NULL,
    payload_hash     TEXT NOT NULL,
    received_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (until_at >= from_at)
);
CREATE INDEX closes_by_cashier ON closes (cashier, until_at);

CREATE TABLE close_records (
    close_key  UUID NOT NULL REFERENCES closes (key),
    record_key UUID NOT NULL REFERENCES journal (key),
    PRIMARY KEY (close_key, record_key)
);
CREATE INDEX close_records_by_record ON close_records (record_key);

CREATE TABLE close_cancellations (
    key       UUID PRIMARY KEY,
    close_key UUID NOT NULL UNIQUE REFERENCES closes (key),
    by_user   TEXT NOT NULL,
    at        TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TRIGGER closes_append_only BEFORE UPDATE OR DELETE ON closes FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER close_records_append_only BEFORE UPDATE OR DELETE ON close_records FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER close_cancellations_append_only BEFORE UPDATE OR DELETE ON close_cancellations FOR EACH ROW EXECUTE FUNCTION refuse_change();
