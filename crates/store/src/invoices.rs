//! The fiscal e-invoices of settlements (migration 0009): answers appended as they arrive —
//! issued, an attempt that failed, the red reversal — and each settlement's invoice read back
//! with its state. Nothing is updated or deleted.

use chrono::NaiveDateTime;
use domain::Money;
use domain::invoice::InvoiceState;
use sqlx::SqliteConnection;
use uuid::Uuid;

use crate::codec::{money, time, time_text, uuid};
use crate::error::Result;

/// The invoice the fiscal platform issued.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IssuedInvoice {
    pub code: String,
    pub number: String,
    pub check_code: String,
    pub qr: String,
    pub seal: String,
    pub amount: Money,
}

/// One answer about a settlement's invoice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InvoiceEvent {
    Issued(IssuedInvoice),
    /// An attempt refused or not taken, with the code and the sentence.
    Failed {
        message: String,
    },
    /// The red invoice of a recall, with the recall's reason.
    Reversed {
        red_code: String,
        red_number: String,
        reason: String,
    },
    /// A paper copy printed (换开) on `paper_no` by `by` (a cashier, or a kiosk) at `place`.
    PaperPrinted {
        paper_no: String,
        by: String,
        place: String,
    },
    /// A paper copy voided (作废) with its reason.
    PaperVoided {
        paper_no: String,
        reason: String,
        by: String,
        place: String,
    },
}

/// Appends `event` for the settlement made under `settlement_key`. A key already kept, or a
/// second issue or reversal of one settlement, changes nothing (answers false).
pub async fn append(
    conn: &mut SqliteConnection,
    key: Uuid,
    settlement_key: Uuid,
    event: &InvoiceEvent,
    at: NaiveDateTime,
) -> Result<bool> {
    let (kind, issued, message, red, paper) = match event {
        InvoiceEvent::Issued(issued) => ("issued", Some(issued), None, None, None),
        InvoiceEvent::Failed { message } => ("failed", None, Some(message.as_str()), None, None),
        InvoiceEvent::Reversed { red_code, red_number, reason } => {
            ("reversed", None, Some(reason.as_str()), Some((red_code.as_str(), red_number.as_str())), None)
        }
        InvoiceEvent::PaperPrinted { paper_no, by, place } => {
            ("paper_printed", None, None, None, Some((paper_no.as_str(), by.as_str(), place.as_str())))
        }
        InvoiceEvent::PaperVoided { paper_no, reason, by, place } => {
            ("paper_voided", None, Some(reason.as_str()), None, Some((paper_no.as_str(), by.as_str(), place.as_str())))
        }
    };
    let done = sqlx::query(
        "INSERT INTO invoice_events (key, settlement_key, kind, code, number, check_code, qr, seal, amount_fen, message, red_code, red_number, paper_no, by_user, place, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16) ON CONFLICT DO NOTHING",
    )
    .bind(key.to_string())
    .bind(settlement_key.to_string())
    .bind(kind)
    .bind(issued.map(|i| i.code.as_str()))
    .bind(issued.map(|i| i.number.as_str()))
    .bind(issued.map(|i| i.check_code.as_str()))
    .bind(issued.map(|i| i.qr.as_str()))
    .bind(issued.map(|i| i.seal.as_str()))
    .bind(issued.map(|i| i.amount.fen()))
    .bind(message)
    .bind(red.map(|r| r.0))
    .bind(red.map(|r| r.1))
    .bind(paper.map(|p| p.0))
    .bind(paper.map(|p| p.1))
    .bind(paper.map(|p| p.2))
    .bind(time_text(at))
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A settlement's invoice as it stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvoiceRow {
    pub settlement_key: Uuid,
    pub settlement_id: i64,
    pub settlement_no: String,
    pub admission_id: Uuid,
    pub fees: Money,
    pub settled_at: NaiveDateTime,
    pub recalled: bool,
    pub state: InvoiceState,
    pub issued: Option<IssuedInvoice>,
    pub issued_at: Option<NaiveDateTime>,
    pub red: Option<(String, String)>,
    /// The latest failure's sentence, while not issued (or, once recalled, not reversed).
    pub last_failure: Option<String>,
}

#[derive(sqlx::FromRow)]
struct Row {
    key: String,
    id: i64,
    no: String,
    admission: String,
    fees: i64,
    at: String,
    recalled: bool,
    code: Option<String>,
    number: Option<String>,
    check_code: Option<String>,
    qr: Option<String>,
    seal: Option<String>,
    amount: Option<i64>,
    issued_at: Option<String>,
    red_code: Option<String>,
    red_number: Option<String>,
    failure: Option<String>,
}

/// The settlements with fees to invoice and their invoice's answers, then `$tail`.
macro_rules! select {
    ($tail:literal) => {
        concat!(
            "SELECT s.idempotency_key AS key, s.id, s.settlement_no AS no, s.admission_id AS admission, s.fees_fen AS fees, s.at,
                    EXISTS (SELECT 1 FROM settlement_recalls r WHERE r.settlement_id = s.id) AS recalled,
                    i.code, i.number, i.check_code, i.qr, i.seal, i.amount_fen AS amount, i.at AS issued_at,
                    rv.red_code, rv.red_number,
                    (SELECT f.message FROM invoice_events f WHERE f.settlement_key = s.idempotency_key AND f.kind = 'failed'
                      AND f.id > COALESCE(MAX(i.id, rv.id), i.id, 0) ORDER BY f.id DESC LIMIT 1) AS failure
             FROM settlements s
             LEFT JOIN invoice_events i ON i.settlement_key = s.idempotency_key AND i.kind = 'issued'
             LEFT JOIN invoice_events rv ON rv.settlement_key = s.idempotency_key AND rv.kind = 'reversed'
             WHERE s.fees_fen > 0 ",
            $tail
        )
    };
}

fn read(row: Row) -> Result<InvoiceRow> {
    let Row {
        key,
        id,
        no,
        admission,
        fees,
        at,
        recalled,
        code,
        number,
        check_code: check,
        qr,
        seal,
        amount,
        issued_at,
        red_code,
        red_number,
        failure,
    } = row;
    let issued = match (code, number, seal, amount) {
        (Some(code), Some(number), Some(seal), Some(amount)) => Some(IssuedInvoice {
            code,
            number,
            check_code: check.unwrap_or_default(),
            qr: qr.unwrap_or_default(),
            seal,
            amount: money(amount)?,
        }),
        _ => None,
    };
    let red = red_code.zip(red_number);
    let state = match (&issued, &red, &failure) {
        (_, Some(_), _) => InvoiceState::Reversed,
        (Some(_), None, _) => InvoiceState::Issued,
        (None, None, Some(_)) => InvoiceState::Failed,
        (None, None, None) => InvoiceState::Pending,
    };
    Ok(InvoiceRow {
        settlement_key: uuid(&key)?,
        settlement_id: id,
        settlement_no: no,
        admission_id: uuid(&admission)?,
        fees: money(fees)?,
        settled_at: time(&at)?,
        recalled,
        state,
        issued,
        issued_at: issued_at.as_deref().map(time).transpose()?,
        red,
        last_failure: failure,
    })
}

/// The invoices of an admission's settlements (those with fees to invoice), oldest first.
pub async fn for_admission(conn: &mut SqliteConnection, admission_id: Uuid) -> Result<Vec<InvoiceRow>> {
    let rows: Vec<Row> = sqlx::query_as(select!("AND s.admission_id = ?1 ORDER BY s.id"))
        .bind(admission_id.to_string())
        .fetch_all(conn)
        .await?;
    rows.into_iter().map(read).collect()
}

/// The invoice of the settlement made under `settlement_key`, if it has fees to invoice.
pub async fn for_settlement(conn: &mut SqliteConnection, settlement_key: Uuid) -> Result<Option<InvoiceRow>> {
    let row: Option<Row> = sqlx::query_as(select!("AND s.idempotency_key = ?1"))
        .bind(settlement_key.to_string())
        .fetch_optional(conn)
        .await?;
    row.map(read).transpose()
}

/// What is left to do: active settlements not invoiced yet, and recalled ones whose invoice is
/// not reversed yet, oldest first.
pub async fn unfinished(conn: &mut SqliteConnection) -> Result<Vec<InvoiceRow>> {
    let rows: Vec<Row> = sqlx::query_as(select!(
        "AND ((i.id IS NULL AND NOT EXISTS (SELECT 1 FROM settlement_recalls r WHERE r.settlement_id = s.id))
           OR (i.id IS NOT NULL AND rv.id IS NULL AND EXISTS (SELECT 1 FROM settlement_recalls r WHERE r.settlement_id = s.id)))
         ORDER BY s.id"
    ))
    .fetch_all(conn)
    .await?;
    rows.into_iter().map(read).collect()
}

/// The idempotency key settlement `settlement_id` was made under.
pub async fn settlement_key(conn: &mut SqliteConnection, settlement_id: i64) -> Result<Uuid> {
    let text: String = sqlx::query_scalar("SELECT idempotency_key FROM settlements WHERE id = ?1")
        .bind(settlement_id)
        .fetch_one(conn)
        .await?;
    uuid(&text)
}

/// A paper copy of an invoice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaperCopy {
    pub paper_no: String,
    pub settlement_key: Uuid,
    pub printed_by: String,
    /// Place code where it was printed (`kiosk` for a kiosk).
    pub place: String,
    pub printed_at: NaiveDateTime,
    /// Who voided it, why and when, once voided.
    pub voided: Option<(String, String, NaiveDateTime)>,
}

type PaperRow = (String, String, String, String, String, Option<String>, Option<String>, Option<String>);

macro_rules! paper_select {
    ($tail:literal) => {
        concat!(
            "SELECT p.paper_no, p.settlement_key, p.by_user, p.place, p.at, v.by_user, v.message, v.at
             FROM invoice_events p
             LEFT JOIN invoice_events v ON v.paper_no = p.paper_no AND v.kind = 'paper_voided'
             WHERE p.kind = 'paper_printed' ",
            $tail
        )
    };
}

fn paper_copy(row: PaperRow) -> Result<PaperCopy> {
    let (paper_no, key, by, place, at, voided_by, reason, voided_at) = row;
    let voided = match (voided_by, voided_at) {
        (Some(by), Some(at)) => Some((by, reason.unwrap_or_default(), time(&at)?)),
        _ => None,
    };
    Ok(PaperCopy { paper_no, settlement_key: uuid(&key)?, printed_by: by, place, printed_at: time(&at)?, voided })
}

/// The paper copies of the settlement made under `settlement_key`, oldest first.
pub async fn paper_copies(conn: &mut SqliteConnection, settlement_key: Uuid) -> Result<Vec<PaperCopy>> {
    let rows: Vec<PaperRow> = sqlx::query_as(paper_select!("AND p.settlement_key = ?1 ORDER BY p.id"))
        .bind(settlement_key.to_string())
        .fetch_all(conn)
        .await?;
    rows.into_iter().map(paper_copy).collect()
}

/// The paper copy printed on `paper_no`, if any.
pub async fn paper_copy_by_no(conn: &mut SqliteConnection, paper_no: &str) -> Result<Option<PaperCopy>> {
    let row: Option<PaperRow> =
        sqlx::query_as(paper_select!("AND p.paper_no = ?1")).bind(paper_no.trim()).fetch_optional(conn).await?;
    row.map(paper_copy).transpose()
}

/// A kiosk's paper copy as the kiosk report lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KioskCopy {
    pub kiosk: String,
    pub paper_no: String,
    pub printed_at: NaiveDateTime,
    pub invoice_no: String,
    pub amount: Money,
    pub case_no: String,
    pub patient: String,
    /// Who voided it, why and when, once voided.
    pub voided: Option<(String, String, NaiveDateTime)>,
}

#[derive(sqlx::FromRow)]
struct KioskRow {
    kiosk: String,
    paper_no: String,
    at: String,
    invoice_no: Option<String>,
    fees: i64,
    case_no: String,
    patient: String,
    voided_by: Option<String>,
    reason: Option<String>,
    voided_at: Option<String>,
}

/// The paper copies kiosks printed from `from` (inclusive) to `to` (exclusive), by kiosk and
/// time, in one query.
pub async fn kiosk_copies(
    conn: &mut SqliteConnection,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<Vec<KioskCopy>> {
    let rows: Vec<KioskRow> = sqlx::query_as(
        "SELECT p.by_user AS kiosk, p.paper_no, p.at, i.number AS invoice_no, s.fees_fen AS fees, a.case_no,
                pt.name AS patient, v.by_user AS voided_by, v.message AS reason, v.at AS voided_at
         FROM invoice_events p
         JOIN settlements s ON s.idempotency_key = p.settlement_key
         JOIN admissions a ON a.id = s.admission_id
         JOIN patients pt ON pt.id = a.patient_id
         LEFT JOIN invoice_events i ON i.settlement_key = p.settlement_key AND i.kind = 'issued'
         LEFT JOIN invoice_events v ON v.paper_no = p.paper_no AND v.kind = 'paper_voided'
         WHERE p.kind = 'paper_printed' AND p.place = 'kiosk' AND p.at >= ?1 AND p.at < ?2
         ORDER BY p.by_user, p.at, p.id",
    )
    .bind(time_text(from))
    .bind(time_text(to))
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            let voided = match (r.voided_by, r.voided_at) {
                (Some(by), Some(at)) => Some((by, r.reason.unwrap_or_default(), time(&at)?)),
                _ => None,
            };
            Ok(KioskCopy {
                kiosk: r.kiosk,
                paper_no: r.paper_no,
                printed_at: time(&r.at)?,
                invoice_no: r.invoice_no.unwrap_or_default(),
                amount: money(r.fees)?,
                case_no: r.case_no,
                patient: r.patient,
                voided,
            })
        })
        .collect()
}
