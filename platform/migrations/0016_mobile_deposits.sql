-- Deposits paid in the hospital's app or at a kiosk (移动预交金): the channel announces each
-- payment (signed) and the platform credits the admission's deposit — a journal record every
-- counter pulls — and only then answers the channel. A payment that cannot be credited (the
-- case unknown, the admission settled) is refunded by the original route at once, with the
-- reason. Every notification received is logged, whatever became of it. Append-only.
CREATE TABLE mobile_payments (
    transaction_id TEXT PRIMARY KEY,
    order_no       TEXT NOT NULL REFERENCES channel_orders (order_no),
    tender         TEXT NOT NULL,
    amount_fen     BIGINT NOT NULL CHECK (amount_fen > 0),
    case_no        TEXT NOT NULL,
    outcome        TEXT NOT NULL CHECK (outcome IN ('credited', 'refunded')),
    -- The deposit credited, or the refund that gave it back.
    record_key     UUID,
    refund_no      TEXT REFERENCES channel_refunds (refund_no),
    reason         TEXT,
    paid_at        TIMESTAMP NOT NULL,
    received_at    TIMESTAMP NOT NULL,
    CHECK ((outcome = 'credited') = (record_key IS NOT NULL)),
    CHECK ((outcome = 'refunded') = (refund_no IS NOT NULL))
);

CREATE TABLE channel_notifications (
    id             BIGSERIAL PRIMARY KEY,
    tender         TEXT NOT NULL,
    -- taken (credited or refunded now), duplicate (taken before), refused (bad signature,
    -- malformed, not a payment), failed (not credited this time: the channel announces again).
    verdict        TEXT NOT NULL CHECK (verdict IN ('taken', 'duplicate', 'refused', 'failed')),
    code           TEXT,
    transaction_id TEXT,
    body           TEXT NOT NULL,
    at             TIMESTAMP NOT NULL
);

CREATE TRIGGER mobile_payments_append_only BEFORE UPDATE OR DELETE ON mobile_payments FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER channel_notifications_append_only BEFORE UPDATE OR DELETE ON channel_notifications FOR EACH ROW EXECUTE FUNCTION refuse_change();
