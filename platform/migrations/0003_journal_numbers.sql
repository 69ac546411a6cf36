-- The push checks that a pushed receipt or settlement number is not in the journal yet.
CREATE INDEX journal_numbers ON journal ((COALESCE(record->>'receipt_no', record->>'settlement_no')))
    WHERE kind IN ('deposit', 'settlement');
