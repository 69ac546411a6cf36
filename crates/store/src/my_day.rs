//! One operator's operations of a span of time, for 我的今日操作: each deposit, reversal or recall
//! transfer with its receipt, each settlement with its number, each receipt voided — with the
//! patient, the amount and the tenders (code, fen). Rows the platform refused are left out, as
//! from the account.

use chrono::NaiveDateTime;
use sqlx::SqliteConnection;

use crate::codec::{time, time_text};
use crate::error::Result;

/// One operation as listed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MyOperation {
    pub at: NaiveDateTime,
    /// `deposit`, `reversal`, `recall_transfer`, `settlement` or `receipt_void`.
    pub kind: String,
    /// The receipt or settlement number (a void: the voided receipt's).
    pub number: String,
    pub case_no: String,
    pub patient: String,
    /// The amount the operation moved (a settlement: what was collected or, negative, refunded).
    pub amount_fen: i64,
    /// Each tender's share, `(code, fen)`.
    pub tenders: Vec<(String, i64)>,
}

type Row = (String, String, String, String, String, i64, Option<String>);

fn operation(row: Row) -> Result<MyOperation> {
    let (at, kind, number, case_no, patient, amount_fen, tenders) = row;
    let tenders = tenders
        .iter()
        .flat_map(|t| t.split(','))
        .filter_map(|pair| pair.split_once(':'))
        .filter_map(|(code, fen)| fen.parse().ok().map(|fen| (code.to_owned(), fen)))
        .collect();
    Ok(MyOperation { at: time(&at)?, kind, number, case_no, patient, amount_fen, tenders })
}

/// The operations of the cashier shown as `display_name` (logged in as `username`) in
/// `[from, until)`, oldest first.
pub async fn operations(
    conn: &mut SqliteConnection,
    display_name: &str,
    username: &str,
    from: NaiveDateTime,
    until: NaiveDateTime,
) -> Result<Vec<MyOperation>> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT d.at, d.kind, d.receipt_no, a.case_no, p.name, d.amount_fen,
                (SELECT group_concat(t.tender || ':' || t.amount_fen, ',') FROM deposit_tenders t WHERE t.deposit_id = d.id)
         FROM deposits d JOIN admissions a ON a.id = d.admission_id JOIN patients p ON p.id = a.patient_id
         WHERE d.cashier = ?1 AND d.at >= ?3 AND d.at < ?4 AND d.idempotency_key NOT IN (SELECT key FROM rejected_records)
         UNION ALL
         SELECT s.at, 'settlement', s.settlement_no, a.case_no, p.name,
                (SELECT coalesce(sum(x.amount_fen), 0) FROM settlement_payments x WHERE x.settlement_id = s.id),
                (SELECT group_concat(x.tender || ':' || x.amount_fen, ',') FROM settlement_payments x WHERE x.settlement_id = s.id)
         FROM settlements s JOIN admissions a ON a.id = s.admission_id JOIN patients p ON p.id = a.patient_id
         WHERE s.cashier = ?1 AND s.at >= ?3 AND s.at < ?4 AND s.idempotency_key NOT IN (SELECT key FROM rejected_records)
         UNION ALL
         SELECT v.at, 'receipt_void', v.receipt_no, a.case_no, p.name, 0, NULL
         FROM receipt_voids v JOIN receipts r ON r.receipt_no = v.receipt_no
              JOIN deposits d ON d.id = r.deposit_id JOIN admissions a ON a.id = d.admission_id JOIN patients p ON p.id = a.patient_id
         WHERE v.by_user = ?2 AND v.at >= ?3 AND v.at < ?4
         ORDER BY 1, 3",
    )
    .bind(display_name)
    .bind(username)
    .bind(time_text(from))
    .bind(time_text(until))
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter().map(operation).collect()
}
