-- Every print of a document (收据, 结算单, 费用清单, 电子票据 and its paper copy): who, when and,
-- for a reprint (补打), why. The copy number of a reprint is its count here; the printed sheet
-- says 补打（第 N 次）. A receipt printed by a cashier who holds receipt paper (票据领用, kind
-- receipt) uses the next paper number of it (`paper_no`). Append-only.
CREATE TABLE prints (
    id       INTEGER PRIMARY KEY,
    key      TEXT NOT NULL UNIQUE,
    document TEXT NOT NULL CHECK (document IN ('receipt', 'settlement', 'fee_list', 'invoice')),
    number   TEXT NOT NULL,
    by_user  TEXT NOT NULL,
    reason   TEXT,
    paper_no TEXT UNIQUE,
    at       TEXT NOT NULL
) STRICT;
CREATE INDEX prints_by_document ON prints (document, number);

CREATE TRIGGER prints_append_only_u BEFORE UPDATE ON prints
BEGIN SELECT RAISE(ABORT, 'prints are append-only'); END;
CREATE TRIGGER prints_append_only_d BEFORE DELETE ON prints
BEGIN SELECT RAISE(ABORT, 'prints are append-only'); END;
