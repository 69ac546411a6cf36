//! Wards, patients and admissions: recording them and finding them by what the cashier typed.

use domain::{
    Admission, AdmissionEvent, AdmissionState, CaseNo, InsuranceType, PatientQuery, PersonName, ResidentId, Sex, Ward,
};
use sqlx::SqliteConnection;
use uuid::Uuid;

use crate::codec::{coded, date, date_text, time, time_text, uuid};
use crate::error::{Result, StoreError};

/// An admission with the state its events lead to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AdmissionSummary {
    pub admission: Admission,
    pub state: AdmissionState,
}

pub async fn insert_ward(conn: &mut SqliteConnection, ward: &Ward) -> Result<()> {
    sqlx::query("INSERT INTO wards (code, name) VALUES (?1, ?2)")
        .bind(&ward.code)
        .bind(&ward.name)
        .execute(conn)
        .await?;
    Ok(())
}

/// Records a ward unless it is known (wards arrive with the admissions that use them).
pub async fn insert_ward_if_missing(conn: &mut SqliteConnection, ward: &Ward) -> Result<()> {
    sqlx::query("INSERT INTO wards (code, name) VALUES (?1, ?2) ON CONFLICT (code) DO NOTHING")
        .bind(&ward.code)
        .bind(&ward.name)
        .execute(conn)
        .await?;
    Ok(())
}

/// Records the admission and, unless already known, its patient.
pub async fn insert_admission(conn: &mut SqliteConnection, admission: &Admission) -> Result<()> {
    let patient = &admission.patient;
    sqlx::query(
        "INSERT INTO patients (id, name, name_initials, sex, birth_date, resident_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (id) DO NOTHING",
    )
    .bind(patient.id.to_string())
    .bind(patient.name.as_str())
    .bind(patient.name.initials())
    .bind(patient.sex.code())
    .bind(date_text(patient.birth_date))
    .bind(patient.resident_id.as_ref().map(ResidentId::as_str))
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO admissions (id, case_no, patient_id, ward_code, bed_no, insurance_type, admitted_at, department, doctor, diagnosis)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )
    .bind(admission.id.to_string())
    .bind(admission.case_no.as_str())
    .bind(patient.id.to_string())
    .bind(&admission.ward.code)
    .bind(&admission.bed_no)
    .bind(admission.insurance.code())
    .bind(time_text(admission.admitted_at))
    .bind(&admission.department)
    .bind(&admission.doctor)
    .bind(&admission.diagnosis)
    .execute(conn)
    .await?;
    Ok(())
}

macro_rules! admission_select {
    () => {
        "SELECT a.id, a.case_no, a.bed_no, a.insurance_type, a.admitted_at, a.department, a.doctor, a.diagnosis,
                p.id, p.name, p.sex, p.birth_date, p.resident_id, w.code, w.name,
                (SELECT group_concat(e.kind, ',' ORDER BY e.id) FROM admission_events e WHERE e.admission_id = a.id AND e.idempotency_key NOT IN (SELECT key FROM rejected_records))
         FROM admissions a JOIN patients p ON p.id = a.patient_id JOIN wards w ON w.code = a.ward_code "
    };
}

type AdmissionRow = (
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    String,
    String,
    Option<String>,
);

/// The admission and the state its events (the last column, comma-separated in order) lead to.
fn summary_from_row(row: AdmissionRow) -> Result<AdmissionSummary> {
    let (
        id,
        case_no,
        bed_no,
        insurance,
        admitted_at,
        department,
        doctor,
        diagnosis,
        patient_id,
        name,
        sex,
        birth_date,
        resident_id,
        ward_code,
        ward_name,
        events,
    ) = row;
    let bad = |what: &str, e: &dyn std::fmt::Display| StoreError::BadRow(format!("{what}: {e}"));
    let events = events
        .iter()
        .flat_map(|e| e.split(','))
        .map(|kind| coded("admission_events.kind", kind, AdmissionEvent::from_code))
        .collect::<Result<Vec<_>>>()?;
    let state = AdmissionState::replay(events).map_err(|e| StoreError::BadRow(e.to_string()))?;
    let admission = Admission {
        id: uuid(&id)?,
        case_no: CaseNo::parse(&case_no).map_err(|e| bad("case_no", &e))?,
        patient: domain::Patient {
            id: uuid(&patient_id)?,
            name: PersonName::parse(&name).map_err(|e| bad("name", &e))?,
            sex: coded("sex", &sex, Sex::from_code)?,
            birth_date: date(&birth_date)?,
            resident_id: resident_id.map(|r| ResidentId::parse(&r).map_err(|e| bad("resident_id", &e))).transpose()?,
        },
        ward: Ward { code: ward_code, name: ward_name },
        bed_no,
        insurance: coded("insurance_type", &insurance, InsuranceType::from_code)?,
        admitted_at: time(&admitted_at)?,
        department,
        doctor,
        diagnosis,
    };
    Ok(AdmissionSummary { admission, state })
}

/// The largest number of hits a search returns; the screen shows no more.
pub const SEARCH_LIMIT: i64 = 50;

/// Admissions matching the query: exact for numbers and IDs, by prefix for names and
/// initials (indexed range scans, so 100k patients stay fast).
pub async fn find(conn: &mut SqliteConnection, query: &PatientQuery) -> Result<Vec<AdmissionSummary>> {
    let rows: Vec<AdmissionRow> = match query {
        PatientQuery::CaseNo(case_no) | PatientQuery::Wristband(case_no) => {
            sqlx::query_as(concat!(admission_select!(), "WHERE a.case_no = ?1"))
                .bind(case_no.as_str())
                .fetch_all(&mut *conn)
                .await?
        }
        PatientQuery::ResidentId(id) => {
            sqlx::query_as(concat!(admission_select!(), "WHERE p.resident_id = ?1 ORDER BY a.admitted_at DESC LIMIT ?2"))
                .bind(id.as_str())
                .bind(SEARCH_LIMIT)
                .fetch_all(&mut *conn)
                .await?
        }
        PatientQuery::NamePrefix(prefix) => {
            sqlx::query_as(concat!(
                admission_select!(),
                "WHERE p.name >= ?1 AND p.name < ?2 ORDER BY p.name, a.admitted_at DESC LIMIT ?3"
            ))
            .bind(prefix.as_str())
            .bind(prefix_upper_bound(prefix))
            .bind(SEARCH_LIMIT)
            .fetch_all(&mut *conn)
            .await?
        }
        PatientQuery::InitialsPrefix(prefix) => {
            sqlx::query_as(concat!(
                admission_select!(),
                "WHERE p.name_initials >= ?1 AND p.name_initials < ?2 ORDER BY p.name_initials, p.name, a.admitted_at DESC LIMIT ?3"
            ))
            .bind(prefix.as_str())
            .bind(prefix_upper_bound(prefix))
            .bind(SEARCH_LIMIT)
            .fetch_all(&mut *conn)
            .await?
        }
        PatientQuery::DocumentNo(number) => return by_document(conn, number).await,
    };
    rows.into_iter().map(summary_from_row).collect()
}

/// The admission a printed number belongs to: a receipt (of a deposit, a reversal or a
/// settlement, voided ones included), a settlement, an e-invoice or a paper invoice.
pub async fn by_document(conn: &mut SqliteConnection, number: &str) -> Result<Vec<AdmissionSummary>> {
    let rows: Vec<AdmissionRow> = sqlx::query_as(concat!(
        admission_select!(),
        "WHERE a.id IN (
            SELECT admission_id FROM deposits WHERE receipt_no = ?1
            UNION SELECT admission_id FROM settlements WHERE settlement_no = ?1
            UNION SELECT d.admission_id FROM receipts r JOIN deposits d ON d.id = r.deposit_id WHERE r.receipt_no = ?1
            UNION SELECT s.admission_id FROM receipts r JOIN settlements s ON s.id = r.settlement_id WHERE r.receipt_no = ?1
            UNION SELECT s.admission_id FROM invoice_events i JOIN settlements s ON s.idempotency_key = i.settlement_key
                  WHERE i.number = ?1 OR i.red_number = ?1 OR i.paper_no = ?1)"
    ))
    .bind(number)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter().map(summary_from_row).collect()
}

/// Every string starting with `prefix` sorts below this (BINARY collation compares UTF-8 bytes).
fn prefix_upper_bound(prefix: &str) -> String {
    format!("{prefix}\u{10FFFF}")
}

pub async fn by_case_no(conn: &mut SqliteConnection, case_no: &CaseNo) -> Result<Option<AdmissionSummary>> {
    let row: Option<AdmissionRow> = sqlx::query_as(concat!(admission_select!(), "WHERE a.case_no = ?1"))
        .bind(case_no.as_str())
        .fetch_optional(&mut *conn)
        .await?;
    row.map(summary_from_row).transpose()
}

/// The case number of admission `id`.
pub async fn case_no_of(conn: &mut SqliteConnection, id: Uuid) -> Result<CaseNo> {
    let text: String =
        sqlx::query_scalar("SELECT case_no FROM admissions WHERE id = ?1").bind(id.to_string()).fetch_one(conn).await?;
    CaseNo::parse(&text).map_err(|e| StoreError::BadRow(format!("病案号 {text}：{e}")))
}

/// The admissions at discharge — a discharge order given and not settled since (the state each
/// replays to says whether the fees were audited) — with when the newest discharge order came,
/// oldest first. The last event's index keeps 100k settled stays out of the reading.
pub async fn at_discharge(conn: &mut SqliteConnection) -> Result<Vec<(AdmissionSummary, chrono::NaiveDateTime)>> {
    let rows: Vec<AdmissionRow> = sqlx::query_as(concat!(
        admission_select!(),
        "WHERE a.id IN (SELECT admission_id FROM admission_events WHERE kind = 'discharge_ordered')
           AND (SELECT e.kind FROM admission_events e WHERE e.admission_id = a.id ORDER BY e.id DESC LIMIT 1) <> 'settled'"
    ))
    .fetch_all(&mut *conn)
    .await?;
    // When each admission's newest discharge order came, in one reading.
    let since: std::collections::HashMap<String, String> = sqlx::query_as(
        "SELECT d.admission_id, max(d.at) FROM admission_events d WHERE d.kind = 'discharge_ordered'
           AND (SELECT e.kind FROM admission_events e WHERE e.admission_id = d.admission_id ORDER BY e.id DESC LIMIT 1) <> 'settled'
         GROUP BY d.admission_id",
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .collect();
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let summary = summary_from_row(row)?;
        if !matches!(summary.state, AdmissionState::DischargeOrdered | AdmissionState::FeesAudited) {
            continue;
        }
        let at =
            since.get(&summary.admission.id.to_string()).ok_or_else(|| StoreError::BadRow("出院医嘱时间".into()))?;
        out.push((summary, time(at)?));
    }
    out.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.admission.case_no.as_str().cmp(b.0.admission.case_no.as_str())));
    Ok(out)
}

/// Every case number, in order (for scripts and checks).
pub async fn case_numbers(conn: &mut SqliteConnection) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar("SELECT case_no FROM admissions ORDER BY case_no").fetch_all(conn).await?)
}

/// The state of an admission, replayed from its events.
pub async fn state_of(conn: &mut SqliteConnection, id: Uuid) -> Result<AdmissionState> {
    let kinds: Vec<String> =
        sqlx::query_scalar("SELECT kind FROM admission_events WHERE admission_id = ?1 AND idempotency_key NOT IN (SELECT key FROM rejected_records) ORDER BY id")
            .bind(id.to_string())
            .fetch_all(conn)
            .await?;
    let events = kinds
        .iter()
        .map(|k| coded("admission_events.kind", k, AdmissionEvent::from_code))
        .collect::<Result<Vec<_>>>()?;
    AdmissionState::replay(events).map_err(|e| StoreError::BadRow(e.to_string()))
}
