-- Blood-waiver registrations (献血证报销登记) made at the window: the donor, each donation
-- certificate, the materials captured for the checklist (the images live content-addressed in
-- the data folder's `materials/`; here their SHA-256), and the reviews. A registration's status
-- is its latest review's decision, `submitted` while it has none. All append-only.
CREATE TABLE blood_registrations (
    id            INTEGER PRIMARY KEY,
    key           TEXT NOT NULL UNIQUE,
    admission_id  TEXT NOT NULL REFERENCES admissions (id),
    donor         TEXT NOT NULL
        CHECK (donor IN ('self', 'spouse', 'parent', 'child', 'sibling', 'grandparent', 'parent_in_law')),
    donor_name    TEXT NOT NULL,
    donor_id      TEXT NOT NULL,
    gold_award    INTEGER NOT NULL CHECK (gold_award IN (0, 1)),
    pledge        INTEGER NOT NULL CHECK (pledge IN (0, 1)),
    -- The entitlement when registered (NULL: free for life), and the rule that gave it.
    entitled_ml   INTEGER CHECK (entitled_ml >= 0),
    remaining_ml  INTEGER CHECK (remaining_ml >= 0),
    rule          TEXT NOT NULL,
    registered_by TEXT NOT NULL,
    registered_at TEXT NOT NULL
) STRICT;
CREATE INDEX blood_registrations_by_admission ON blood_registrations (admission_id);

CREATE TABLE blood_certificates (
    id              INTEGER PRIMARY KEY,
    registration_id INTEGER NOT NULL REFERENCES blood_registrations (id),
    certificate_no  TEXT NOT NULL,
    donated_on      TEXT NOT NULL,
    volume_ml       INTEGER NOT NULL CHECK (volume_ml > 0),
    donation_kind   TEXT NOT NULL CHECK (donation_kind IN ('whole', 'platelet', 'stem_cell', 'rare')),
    UNIQUE (registration_id, certificate_no)
) STRICT;
CREATE INDEX blood_certificates_by_no ON blood_certificates (certificate_no);

CREATE TABLE blood_materials (
    id              INTEGER PRIMARY KEY,
    registration_id INTEGER NOT NULL REFERENCES blood_registrations (id),
    item            TEXT NOT NULL
        CHECK (item IN ('donor_id', 'certificate', 'patient_id', 'relationship', 'pledge')),
    sha256          TEXT NOT NULL CHECK (length(sha256) = 64),
    media_type      TEXT NOT NULL CHECK (media_type IN ('image/jpeg', 'image/png', 'application/pdf')),
    bytes           INTEGER NOT NULL CHECK (bytes > 0)
) STRICT;

CREATE TABLE blood_reviews (
    id              INTEGER PRIMARY KEY,
    registration_id INTEGER NOT NULL REFERENCES blood_registrations (id),
    decision        TEXT NOT NULL CHECK (decision IN ('approved', 'returned')),
    reason          TEXT,
    reviewer        TEXT NOT NULL,
    at              TEXT NOT NULL,
    CHECK (decision = 'approved' OR length(trim(reason)) > 0)
) STRICT;

-- Millilitres each certificate's entitlement paid for: a settlement's waiver appends a positive
-- row, its recall the negative one.
CREATE TABLE blood_certificate_use (
    id             INTEGER PRIMARY KEY,
    certificate_no TEXT NOT NULL,
    settlement_id  INTEGER REFERENCES settlements (id),
    ml             INTEGER NOT NULL CHECK (ml <> 0),
    at             TEXT NOT NULL
) STRICT;
CREATE INDEX blood_certificate_use_by_no ON blood_certificate_use (certificate_no);

CREATE TRIGGER blood_registrations_append_only_u BEFORE UPDATE ON blood_registrations
BEGIN SELECT RAISE(ABORT, 'blood_registrations are append-only'); END;
CREATE TRIGGER blood_registrations_append_only_d BEFORE DELETE ON blood_registrations
BEGIN SELECT RAISE(ABORT, 'blood_registrations are append-only'); END;
CREATE TRIGGER blood_certificates_append_only_u BEFORE UPDATE ON blood_certificates
BEGIN SELECT RAISE(ABORT, 'blood_certificates are append-only'); END;
CREATE TRIGGER blood_certificates_append_only_d BEFORE DELETE ON blood_certificates
BEGIN SELECT RAISE(ABORT, 'blood_certificates are append-only'); END;
CREATE TRIGGER blood_materials_append_only_u BEFORE UPDATE ON blood_materials
BEGIN SELECT RAISE(ABORT, 'blood_materials are append-only'); END;
CREATE TRIGGER blood_materials_append_only_d BEFORE DELETE ON blood_materials
BEGIN SELECT RAISE(ABORT, 'blood_materials are append-only'); END;
CREATE TRIGGER blood_reviews_append_only_u BEFORE UPDATE ON blood_reviews
BEGIN SELECT RAISE(ABORT, 'blood_reviews are append-only'); END;
CREATE TRIGGER blood_reviews_append_only_d BEFORE DELETE ON blood_reviews
BEGIN SELECT RAISE(ABORT, 'blood_reviews are append-only'); END;
CREATE TRIGGER blood_certificate_use_append_only_u BEFORE UPDATE ON blood_certificate_use
BEGIN SELECT RAISE(ABORT, 'blood_certificate_use is append-only'); END;
CREATE TRIGGER blood_certificate_use_append_only_d BEFORE DELETE ON blood_certificate_use
BEGIN SELECT RAISE(ABORT, 'blood_certificate_use is append-only'); END;
