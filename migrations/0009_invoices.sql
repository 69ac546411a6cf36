-- The fiscal e-invoice of each settlement, as answers about it arrive: issued (the invoice with
-- its seal), failed (an attempt the fiscal platform refused or could not take; retried), and
-- reversed (the red invoice of a recall), and its paper copies: paper_printed (换开 onto a
-- pre-numbered paper, at a window or a kiosk) and paper_voided (作废). A stand-alone counter appends them as its own adapter
-- answers; a linked counter receives the platform's through the feed under the platform's keys.
-- The state is the latest meaningful answer (reversed > issued > failed > none: 待开具); the
-- column settlements.invoice_status is no longer read. Append-only.
CREATE TABLE invoice_events (
    id             INTEGER PRIMARY KEY,
    key            TEXT NOT NULL UNIQUE,
    settlement_key TEXT NOT NULL REFERENCES settlements (idempotency_key),
    kind           TEXT NOT NULL CHECK (kind IN ('issued', 'failed', 'reversed', 'paper_printed', 'paper_voided')),
    code           TEXT,
    number         TEXT,
    check_code     TEXT,
    qr             TEXT,
    seal           TEXT,
    amount_fen     INTEGER,
    -- Why it failed (with the fiscal platform's code), or the reversal's reason.
    message        TEXT,
    red_code       TEXT,
    red_number     TEXT,
    -- A paper copy's number, who printed or voided it (a cashier's name, or the kiosk's), and
    -- where (a place code: counter, ward_station, bedside, kiosk).
    paper_no       TEXT,
    by_user        TEXT,
    place          TEXT,
    at             TEXT NOT NULL,
    CHECK (kind <> 'issued' OR (code IS NOT NULL AND number IS NOT NULL AND seal IS NOT NULL AND amount_fen > 0)),
    CHECK (kind <> 'reversed' OR (red_code IS NOT NULL AND red_number IS NOT NULL)),
    CHECK (kind NOT IN ('paper_printed', 'paper_voided') OR (paper_no IS NOT NULL AND by_user IS NOT NULL))
) STRICT;
CREATE INDEX invoice_events_by_settlement ON invoice_events (settlement_key);
-- The kiosk report reads a day's (or a month's) paper copies of one place.
CREATE INDEX invoice_events_paper_by_place ON invoice_events (place, at) WHERE kind = 'paper_printed';
-- One invoice and one reversal per settlement.
CREATE UNIQUE INDEX invoice_events_issued_once ON invoice_events (settlement_key) WHERE kind = 'issued';
CREATE UNIQUE INDEX invoice_events_reversed_once ON invoice_events (settlement_key) WHERE kind = 'reversed';
-- A paper number is printed on once and voided once.
CREATE UNIQUE INDEX invoice_events_paper_once ON invoice_events (paper_no, kind) WHERE paper_no IS NOT NULL;

CREATE TRIGGER invoice_events_append_only_u BEFORE UPDATE ON invoice_events
BEGIN SELECT RAISE(ABORT, 'invoice_events are append-only'); END;
CREATE TRIGGER invoice_events_append_only_d BEFORE DELETE ON invoice_events
BEGIN SELECT RAISE(ABORT, 'invoice_events are append-only'); END;
