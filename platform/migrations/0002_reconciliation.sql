-- Reconciliation (对账). Statements are stored as received — channel bills, HIS exports and the
-- platform's own ledger exports — once per day and channel (their SHA-256 is unique there), so
-- importing a file again finds it instead of doubling it, and every original stays downloadable.
-- (Two quiet days may have byte-identical empty bills: the same bytes may serve two days.)
-- A batch is one day of one channel (or platform <-> HIS); its items are replaced by each run
-- (runs repeat), while what people did about them (recon_actions) and the corrections a
-- supervisor approved (recon_adjustments) are only appended, keyed by the item's stable id.

CREATE TABLE recon_statements (
    id          BIGSERIAL PRIMARY KEY,
    day         DATE NOT NULL,
    channel     TEXT NOT NULL CHECK (channel IN ('wechat', 'alipay', 'unionpay', 'insurance', 'his', 'ledger')),
    name        TEXT NOT NULL,
    format      TEXT NOT NULL,
    rows        BIGINT NOT NULL,
    fingerprint TEXT NOT NULL,
    content     BYTEA NOT NULL,
    imported_at TIMESTAMPTZ NOT NULL,
    imported_by TEXT NOT NULL,
    UNIQUE (day, channel, fingerprint)
);
CREATE INDEX recon_statements_by_day ON recon_statements (day, channel, id);

CREATE TABLE recon_batches (
    day          DATE NOT NULL,
    channel      TEXT NOT NULL CHECK (channel IN ('wechat', 'alipay', 'unionpay', 'insurance', 'his')),
    status       TEXT NOT NULL CHECK (status IN ('queued', 'waiting', 'running', 'done', 'failed')),
    note         TEXT,
    progress     SMALLINT NOT NULL DEFAULT 0,
    attempts     INT NOT NULL DEFAULT 0,
    -- Local (hospital) time, as the schedule speaks it.
    next_try_at  TIMESTAMP,
    started_at   TIMESTAMP,
    finished_at  TIMESTAMP,
    statement_id BIGINT REFERENCES recon_statements (id),
    ledger_id    BIGINT REFERENCES recon_statements (id),
    figures      JSONB,
    PRIMARY KEY (day, channel)
);

CREATE TABLE recon_items (
    day                DATE NOT NULL,
    channel            TEXT NOT NULL,
    id                 TEXT NOT NULL,
    class              TEXT NOT NULL,
    side               TEXT NOT NULL,
    kind               TEXT NOT NULL,
    record_channel     TEXT NOT NULL,
    order_no           TEXT NOT NULL,
    third_party_no     TEXT NOT NULL,
    refund_no          TEXT NOT NULL,
    platform_fen       BIGINT,
    counterpart_fen    BIGINT,
    difference_fen     BIGINT,
    direction          TEXT,
    platform_status    TEXT,
    counterpart_status TEXT,
    at                 TIMESTAMP NOT NULL,
    cause              TEXT NOT NULL,
    PRIMARY KEY (day, channel, id)
);

-- The cross-day set a day's run hands to the next day (replaced when the day is re-run).
CREATE TABLE recon_deferred (
    day     DATE NOT NULL,
    channel TEXT NOT NULL,
    entries JSONB NOT NULL,
    PRIMARY KEY (day, channel)
);

CREATE TABLE recon_actions (
    seq        BIGSERIAL PRIMARY KEY,
    day        DATE NOT NULL,
    channel    TEXT NOT NULL,
    item_id    TEXT NOT NULL,
    action     TEXT NOT NULL CHECK (action IN ('cause', 'handled', 'request', 'approve', 'reject')),
    -- What the item was when the action was taken: a later run that finds it changed (another
    -- class, other amounts) shows it open again.
    class           TEXT NOT NULL,
    platform_fen    BIGINT,
    counterpart_fen BIGINT,
    cause      TEXT,
    correction TEXT,
    reason     TEXT,
    actor      TEXT NOT NULL,
    at         TIMESTAMPTZ NOT NULL
);
CREATE INDEX recon_actions_by_item ON recon_actions (day, channel, item_id, seq);

-- An approved 以渠道为准 correction as it changes the platform's ledger export of its day:
-- a supplemented record, a corrected status or amount (of the record with this order and
-- refund no.), or a refund started (which changes nothing of that day).
CREATE TABLE recon_adjustments (
    seq            BIGSERIAL PRIMARY KEY,
    day            DATE NOT NULL,
    channel        TEXT NOT NULL,
    item_id        TEXT NOT NULL,
    correction     TEXT NOT NULL CHECK (correction IN ('supplement', 'status', 'amount', 'refund')),
    record_channel TEXT NOT NULL,
    kind           TEXT NOT NULL,
    order_no       TEXT NOT NULL,
    third_party_no TEXT NOT NULL,
    refund_no      TEXT NOT NULL,
    amount_fen     BIGINT NOT NULL,
    status         TEXT NOT NULL,
    paid_at        TIMESTAMP NOT NULL,
    requested_by   TEXT NOT NULL,
    approved_by    TEXT NOT NULL,
    at             TIMESTAMPTZ NOT NULL
);

CREATE TRIGGER recon_statements_append_only BEFORE UPDATE OR DELETE ON recon_statements FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER recon_actions_append_only BEFORE UPDATE OR DELETE ON recon_actions FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER recon_adjustments_append_only BEFORE UPDATE OR DELETE ON recon_adjustments FOR EACH ROW EXECUTE FUNCTION refuse_change();
