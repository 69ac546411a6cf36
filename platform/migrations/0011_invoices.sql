-- The fiscal e-invoice of every applied settlement: the fiscal platform's answers as they
-- arrive — issued (the invoice with its seal), failed (an attempt refused or not taken; the
-- runner tries again), reversed (the red invoice after the settlement's recall). Each answer is
-- also a journal record, so every counter learns it through the feed. Append-only.
CREATE TABLE invoice_events (
    key            UUID PRIMARY KEY,
    settlement_key UUID NOT NULL,
    admission_id   UUID NOT NULL REFERENCES admissions (id),
    kind           TEXT NOT NULL CHECK (kind IN ('issued', 'failed', 'reversed', 'paper_printed', 'paper_voided')),
    code           TEXT,
    number         TEXT,
    check_code     TEXT,
    seal           TEXT,
    amount_fen     BIGINT,
    message        TEXT,
    red_code       TEXT,
    red_number     TEXT,
    paper_no       TEXT,
    by_user        TEXT,
    place          TEXT,
    at             TIMESTAMP NOT NULL,
    CHECK (kind <> 'issued' OR (code IS NOT NULL AND number IS NOT NULL AND seal IS NOT NULL AND amount_fen > 0)),
    CHECK (kind <> 'reversed' OR (red_code IS NOT NULL AND red_number IS NOT NULL)),
    CHECK (kind NOT IN ('paper_printed', 'paper_voided') OR (paper_no IS NOT NULL AND by_user IS NOT NULL))
);
CREATE INDEX invoice_events_by_settlement ON invoice_events (settlement_key);
-- The runner looks for settlements without their invoice, and for their recalls, every round.
CREATE INDEX journal_settlements ON journal (seq) WHERE kind = 'settlement';
CREATE INDEX journal_recalls_by_settlement ON journal ((record->>'settlement')) WHERE kind = 'recall';
CREATE UNIQUE INDEX invoice_events_issued_once ON invoice_events (settlement_key) WHERE kind = 'issued';
CREATE UNIQUE INDEX invoice_events_reversed_once ON invoice_events (settlement_key) WHERE kind = 'reversed';
CREATE UNIQUE INDEX invoice_events_paper_once ON invoice_events (paper_no, kind) WHERE paper_no IS NOT NULL;

-- Kiosks (自助机) and their paper stock: ranges of invoice paper received per kiosk; a number is
-- used once a paper copy is printed on it.
CREATE TABLE kiosk_paper (
    key        UUID PRIMARY KEY,
    kiosk      TEXT NOT NULL,
    prefix     TEXT NOT NULL,
    first      BIGINT NOT NULL CHECK (first >= 0),
    last       BIGINT NOT NULL CHECK (last >= first),
    width      INTEGER NOT NULL CHECK (width BETWEEN 1 AND 18),
    at         TIMESTAMP NOT NULL
);
CREATE TRIGGER kiosk_paper_append_only BEFORE UPDATE OR DELETE ON kiosk_paper FOR EACH ROW EXECUTE FUNCTION refuse_change();

CREATE TRIGGER invoice_events_append_only BEFORE UPDATE OR DELETE ON invoice_events FOR EACH ROW EXECUTE FUNCTION refuse_change();

-- The day's invoice check (票据对账): invoices the fiscal platform held without a settlement of
-- the platform's, reversed there by finance; the check counts them as settled. Append-only.
CREATE TABLE invoice_check_reversals (
    bus_no      UUID PRIMARY KEY,
    number      TEXT NOT NULL,
    red_number  TEXT NOT NULL,
    by_user     TEXT NOT NULL,
    at          TIMESTAMP NOT NULL
);
CREATE TRIGGER invoice_check_reversals_append_only BEFORE UPDATE OR DELETE ON invoice_check_reversals FOR EACH ROW EXECUTE FUNCTION refuse_change();
