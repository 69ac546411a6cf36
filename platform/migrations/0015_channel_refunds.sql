-- Refunds by the original route (原路退款) through WeChat Pay and Alipay. A pushed deposit
-- reversal or settlement that gives money back to a WeChat or Alipay payment names the
-- transaction paid here; the push writes the refund (its number the counter's, from the
-- operation's key: a retry is the same refund) and the platform then asks the channel. Each
-- answer is appended: processing (退款中), refunded (已退款), failed (退款失败), or unavailable
-- (not reached: asked again by the sweep). A failed refund is in the pending list until it is
-- paid another way. Append-only.
CREATE TABLE channel_refunds (
    refund_no      TEXT PRIMARY KEY,
    transaction_id TEXT NOT NULL,
    order_no       TEXT NOT NULL REFERENCES channel_orders (order_no),
    tender         TEXT NOT NULL,
    amount_fen     BIGINT NOT NULL CHECK (amount_fen > 0),
    case_no        TEXT NOT NULL,
    -- The reversal's receipt number or the settlement's number.
    record_no      TEXT NOT NULL,
    record_key     UUID NOT NULL,
    cashier        TEXT NOT NULL,
    reason         TEXT NOT NULL,
    at             TIMESTAMP NOT NULL
);
CREATE INDEX channel_refunds_by_transaction ON channel_refunds (transaction_id);
CREATE INDEX channel_refunds_by_case ON channel_refunds (case_no);

CREATE TABLE channel_refund_events (
    id         BIGSERIAL PRIMARY KEY,
    refund_no  TEXT NOT NULL REFERENCES channel_refunds (refund_no),
    state      TEXT NOT NULL CHECK (state IN ('processing', 'refunded', 'failed', 'unavailable')),
    refund_id  TEXT,
    code       TEXT,
    message    TEXT,
    at         TIMESTAMP NOT NULL,
    CHECK ((state = 'refunded') = (refund_id IS NOT NULL))
);
CREATE INDEX channel_refund_events_by_refund ON channel_refund_events (refund_no, id);

CREATE TRIGGER channel_refunds_append_only BEFORE UPDATE OR DELETE ON channel_refunds FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER channel_refund_events_append_only BEFORE UPDATE OR DELETE ON channel_refund_events FOR EACH ROW EXECUTE FUNCTION refuse_change();
