//! Refunds by the original route this counter asked for (migration 0015): written with their
//! reversal or settlement, each answer about them appended. Nothing is updated or deleted.

use chrono::NaiveDateTime;
use sqlx::SqliteConnection;
use uuid::Uuid;

use crate::codec::{time, time_text, uuid};
use crate::error::Result;

/// A refund as written with its record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refund {
    pub refund_no: String,
    pub op_key: Uuid,
    pub admission_id: Uuid,
    pub record_no: String,
    /// `wechat` or `alipay`.
    pub tender: String,
    pub amount_fen: i64,
    pub transaction_id: String,
    pub reason: String,
    pub at: NaiveDateTime,
}

/// A refund with the last answer about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefundNow {
    pub refund: Refund,
    /// `requested` (no answer yet), `processing`, `refunded` or `failed`.
    pub state: String,
    pub refund_id: Option<String>,
    pub message: Option<String>,
}

/// Writes `refund` (in its record's transaction).
pub async fn insert(conn: &mut SqliteConnection, refund: &Refund) -> Result<()> {
    sqlx::query(
        "INSERT INTO channel_refunds (refund_no, op_key, admission_id, record_no, tender, amount_fen, transaction_id, reason, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )
    .bind(&refund.refund_no)
    .bind(refund.op_key.to_string())
    .bind(refund.admission_id.to_string())
    .bind(&refund.record_no)
    .bind(&refund.tender)
    .bind(refund.amount_fen)
    .bind(&refund.transaction_id)
    .bind(&refund.reason)
    .bind(time_text(refund.at))
    .execute(conn)
    .await?;
    Ok(())
}

/// Appends an answer: `processing`, `refunded` (with the channel's refund number) or `failed`.
pub async fn answer(
    conn: &mut SqliteConnection,
    refund_no: &str,
    state: &str,
    refund_id: Option<&str>,
    message: Option<&str>,
    at: NaiveDateTime,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO channel_refund_events (refund_no, state, refund_id, message, at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )
    .bind(refund_no)
    .bind(state)
    .bind(refund_id)
    .bind(message)
    .bind(time_text(at))
    .execute(conn)
    .await?;
    Ok(())
}

type Row =
    (String, String, String, String, String, i64, String, String, String, String, Option<String>, Option<String>);

const NOW: &str = "SELECT r.refund_no, r.op_key, r.admission_id, r.record_no, r.tender, r.amount_fen, r.transaction_id, r.reason, r.at,
        COALESCE(e.state, 'requested'), e.refund_id, e.message
     FROM channel_refunds r
     LEFT JOIN channel_refund_events e ON e.id = (SELECT max(id) FROM channel_refund_events x WHERE x.refund_no = r.refund_no)";

fn now_of(row: Row) -> Result<RefundNow> {
    Ok(RefundNow {
        refund: Refund {
            refund_no: row.0,
            op_key: uuid(&row.1)?,
            admission_id: uuid(&row.2)?,
            record_no: row.3,
            tender: row.4,
            amount_fen: row.5,
            transaction_id: row.6,
            reason: row.7,
            at: time(&row.8)?,
        },
        state: row.9,
        refund_id: row.10,
        message: row.11,
    })
}

/// The refunds of an admission, oldest first, with their last answers.
pub async fn of_admission(conn: &mut SqliteConnection, admission_id: Uuid) -> Result<Vec<RefundNow>> {
    let rows: Vec<Row> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{NOW} WHERE r.admission_id = ?1 ORDER BY r.at, r.rowid")))
            .bind(admission_id.to_string())
            .fetch_all(conn)
            .await?;
    rows.into_iter().map(now_of).collect()
}

/// The refunds written under the operation `key`.
pub async fn of_operation(conn: &mut SqliteConnection, key: Uuid) -> Result<Vec<RefundNow>> {
    let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!("{NOW} WHERE r.op_key = ?1 ORDER BY r.refund_no")))
        .bind(key.to_string())
        .fetch_all(conn)
        .await?;
    rows.into_iter().map(now_of).collect()
}

/// The refunds whose last answer is 退款失败, oldest first, each with its admission's case
/// number (待处理: they wait for a supervisor to pay them another way).
pub async fn failed(conn: &mut SqliteConnection) -> Result<Vec<(String, RefundNow)>> {
    let rows: Vec<Row> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{NOW} WHERE e.state = 'failed' ORDER BY r.at, r.rowid")))
            .fetch_all(&mut *conn)
            .await?;
    let mut out = Vec::with_capacity(rows.len());
    for now in rows.into_iter().map(now_of) {
        let now = now?;
        let case_no: String = sqlx::query_scalar("SELECT case_no FROM admissions WHERE id = ?1")
            .bind(now.refund.admission_id.to_string())
            .fetch_one(&mut *conn)
            .await?;
        out.push((case_no, now));
    }
    Ok(out)
}
