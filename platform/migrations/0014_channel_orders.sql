-- Code payments (付款码) the platform collected for linked counters through the channels
-- (WeChat Pay, Alipay): the order as asked (its number the counter's, from the operation's key
-- and the code) and each outcome the channel gave, appended. A pushed deposit or settlement that
-- names a WeChat or Alipay collection must name a transaction paid here, of that tender and
-- amount, by that cashier, used by no other record (channel_order_uses). Append-only.
CREATE TABLE channel_orders (
    order_no     TEXT PRIMARY KEY,
    -- A tender collected by the payer's code (`domain::account::pay_code::PayCode::scanned_for`).
    tender       TEXT NOT NULL,
    amount_fen   BIGINT NOT NULL CHECK (amount_fen > 0),
    case_no      TEXT NOT NULL,
    cashier      TEXT NOT NULL,
    device_id    UUID REFERENCES devices (id),
    at           TIMESTAMP NOT NULL
);

CREATE TABLE channel_order_events (
    id             BIGSERIAL PRIMARY KEY,
    order_no       TEXT NOT NULL REFERENCES channel_orders (order_no),
    outcome        TEXT NOT NULL CHECK (outcome IN ('paid', 'refused', 'timed_out', 'undecided', 'unavailable', 'cancelled')),
    transaction_id TEXT,
    code           TEXT,
    message        TEXT,
    at             TIMESTAMP NOT NULL,
    CHECK ((outcome = 'paid') = (transaction_id IS NOT NULL))
);
CREATE INDEX channel_order_events_by_order ON channel_order_events (order_no, id);
CREATE INDEX channel_order_events_by_transaction ON channel_order_events (transaction_id) WHERE transaction_id IS NOT NULL;

CREATE TABLE channel_order_uses (
    transaction_id TEXT PRIMARY KEY,
    record_key     UUID NOT NULL
);

CREATE TRIGGER channel_orders_append_only BEFORE UPDATE OR DELETE ON channel_orders FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER channel_order_events_append_only BEFORE UPDATE OR DELETE ON channel_order_events FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER channel_order_uses_append_only BEFORE UPDATE OR DELETE ON channel_order_uses FOR EACH ROW EXECUTE FUNCTION refuse_change();
