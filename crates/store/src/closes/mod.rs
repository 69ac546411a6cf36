//! The cashier's closes (migration 0013): the records of one cashier not yet in a close in force,
//! up to a cut-off, read in bulk (`open`); a close written once with its members; cancelling by a
//! row of its own. A cashier's records are those that carry the cashier's name (deposits,
//! settlements, recalls, paper copies) or username (receipt voids). Rows the platform refused are
//! not money in force and are left out, as from the account.

mod open;

pub use open::*;

use chrono::NaiveDateTime;
use sqlx::{AssertSqlSafe, SqliteConnection};
use uuid::Uuid;

use crate::codec::{time, time_text};
use crate::error::Result;

/// A close about to be written.
pub struct NewClose<'a> {
    pub key: Uuid,
    pub close_no: &'a str,
    pub whose: Whose<'a>,
    pub from: NaiveDateTime,
    pub until: NaiveDateTime,
    pub made_at: NaiveDateTime,
    pub cash_fen: i64,
    pub cheque_fen: i64,
    pub report: &'a str,
    /// Each record taken: what, its id, and whether it is late (补入).
    pub members: &'a [(MemberKind, i64, bool)],
}

/// Writes a close and its members.
pub async fn append(conn: &mut SqliteConnection, close: &NewClose<'_>) -> Result<i64> {
    let id = sqlx::query(
        "INSERT INTO closes (key, close_no, cashier, cashier_name, from_at, until_at, made_at, cash_fen, cheque_fen, report)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )
    .bind(close.key.to_string())
    .bind(close.close_no)
    .bind(close.whose.username)
    .bind(close.whose.name)
    .bind(time_text(close.from))
    .bind(time_text(close.until))
    .bind(time_text(close.made_at))
    .bind(close.cash_fen)
    .bind(close.cheque_fen)
    .bind(close.report)
    .execute(&mut *conn)
    .await?
    .last_insert_rowid();
    // One statement for all members: a close may hold thousands of records.
    let members: Vec<(&str, i64, i64)> =
        close.members.iter().map(|(kind, record, late)| (kind.code(), *record, i64::from(*late))).collect();
    let members = serde_json::to_string(&members).map_err(|e| crate::StoreError::BadRow(e.to_string()))?;
    sqlx::query(
        "INSERT INTO close_members (close_id, kind, record_id, late)
         SELECT ?1, j.value ->> 0, j.value ->> 1, j.value ->> 2 FROM json_each(?2) j",
    )
    .bind(id)
    .bind(members)
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

/// A close as stored, with what happened to it since.
#[derive(Clone, Debug)]
pub struct CloseRow {
    pub id: i64,
    pub key: Uuid,
    pub close_no: String,
    pub cashier: String,
    pub cashier_name: String,
    pub from: NaiveDateTime,
    pub until: NaiveDateTime,
    pub made_at: NaiveDateTime,
    pub cash_fen: i64,
    pub cheque_fen: i64,
    pub report: String,
    /// Cancelled (取消日结): by whom and when.
    pub cancelled: Option<(String, NaiveDateTime)>,
    /// The hand-in in force that collected it.
    pub collected_by: Option<String>,
}

type Row = (
    i64,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    i64,
    i64,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);

const SELECT_CLOSES: &str =
    "SELECT c.id, c.key, c.close_no, c.cashier, c.cashier_name, c.from_at, c.until_at, c.made_at,
        c.cash_fen, c.cheque_fen, c.report, x.by_user, x.at,
        (SELECT h.hand_in_no FROM hand_in_closes hc JOIN hand_ins h ON h.id = hc.hand_in_id
         WHERE hc.close_id = c.id AND NOT EXISTS (SELECT 1 FROM hand_in_reversals v WHERE v.hand_in_id = h.id))
     FROM closes c LEFT JOIN close_cancellations x ON x.close_id = c.id";

fn row(r: Row) -> Result<CloseRow> {
    let (
        id,
        key,
        close_no,
        cashier,
        cashier_name,
        from,
        until,
        made_at,
        cash_fen,
        cheque_fen,
        report,
        by,
        at,
        collected,
    ) = r;
    Ok(CloseRow {
        id,
        key: crate::codec::uuid(&key)?,
        close_no,
        cashier,
        cashier_name,
        from: time(&from)?,
        until: time(&until)?,
        made_at: time(&made_at)?,
        cash_fen,
        cheque_fen,
        report,
        cancelled: match (by, at) {
            (Some(by), Some(at)) => Some((by, time(&at)?)),
            _ => None,
        },
        collected_by: collected,
    })
}

async fn closes_where(conn: &mut SqliteConnection, filter: &str, bind: &str) -> Result<Vec<CloseRow>> {
    let rows: Vec<Row> = sqlx::query_as(AssertSqlSafe(format!("{SELECT_CLOSES} WHERE {filter} ORDER BY c.id")))
        .bind(bind)
        .fetch_all(conn)
        .await?;
    rows.into_iter().map(row).collect()
}

pub async fn by_key(conn: &mut SqliteConnection, key: Uuid) -> Result<Option<CloseRow>> {
    Ok(closes_where(conn, "c.key = ?1", &key.to_string()).await?.pop())
}

pub async fn by_no(conn: &mut SqliteConnection, close_no: &str) -> Result<Option<CloseRow>> {
    Ok(closes_where(conn, "c.close_no = ?1", close_no).await?.pop())
}

/// A cashier's closes, oldest first, cancelled ones included.
pub async fn of_cashier(conn: &mut SqliteConnection, username: &str) -> Result<Vec<CloseRow>> {
    closes_where(conn, "c.cashier = ?1", username).await
}

/// Closes in force that no hand-in in force collected, oldest first.
pub async fn waiting(conn: &mut SqliteConnection) -> Result<Vec<CloseRow>> {
    let all = closes_where(conn, "?1 = ?1", "").await?;
    Ok(all.into_iter().filter(|c| c.cancelled.is_none() && c.collected_by.is_none()).collect())
}

/// Closes in force whose cut-off lies in `[from, to)`, oldest first.
pub async fn until_between(
    conn: &mut SqliteConnection,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<Vec<CloseRow>> {
    let rows: Vec<Row> = sqlx::query_as(AssertSqlSafe(format!(
        "{SELECT_CLOSES} WHERE c.until_at >= ?1 AND c.until_at < ?2 AND x.id IS NULL ORDER BY c.id"
    )))
    .bind(time_text(from))
    .bind(time_text(to))
    .fetch_all(conn)
    .await?;
    rows.into_iter().map(row).collect()
}

/// How many closes (cancelled included) a cashier made on the day of `at`: the next close's
/// sequence in its number.
pub async fn made_on_day(conn: &mut SqliteConnection, username: &str, at: NaiveDateTime) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT count(*) FROM closes WHERE cashier = ?1 AND substr(made_at, 1, 10) = ?2")
        .bind(username)
        .bind(at.format(crate::codec::DATE_FORMAT).to_string())
        .fetch_one(conn)
        .await?)
}

/// Cancels a close (取消日结): its records are free for the next close.
pub async fn cancel(conn: &mut SqliteConnection, key: Uuid, close_id: i64, by: &str, at: NaiveDateTime) -> Result<()> {
    sqlx::query("INSERT INTO close_cancellations (key, close_id, by_user, at) VALUES (?1, ?2, ?3, ?4)")
        .bind(key.to_string())
        .bind(close_id)
        .bind(by)
        .bind(time_text(at))
        .execute(conn)
        .await?;
    Ok(())
}

/// The cancellation written under `key`, if any: the close it cancelled.
pub async fn cancellation_by_key(conn: &mut SqliteConnection, key: Uuid) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar("SELECT close_id FROM close_cancellations WHERE key = ?1")
        .bind(key.to_string())
        .fetch_optional(conn)
        .await?)
}

/// The journal keys (idempotency keys) of a close's money records — deposits, settlements and
/// recalls — as the platform knows them.
pub async fn record_keys(conn: &mut SqliteConnection, members: &[(MemberKind, i64, bool)]) -> Result<Vec<Uuid>> {
    let mut keys = Vec::with_capacity(members.len());
    for (kind, table) in [
        (MemberKind::Deposit, "deposits"),
        (MemberKind::Settlement, "settlements"),
        (MemberKind::Recall, "settlement_recalls"),
    ] {
        let ids: Vec<i64> = members.iter().filter(|m| m.0 == kind).map(|m| m.1).collect();
        if ids.is_empty() {
            continue;
        }
        let ids = serde_json::to_string(&ids).map_err(|e| crate::StoreError::BadRow(e.to_string()))?;
        let found: Vec<String> = sqlx::query_scalar(AssertSqlSafe(format!(
            "SELECT idempotency_key FROM {table} WHERE id IN (SELECT value FROM json_each(?1)) ORDER BY id"
        )))
        .bind(ids)
        .fetch_all(&mut *conn)
        .await?;
        for key in found {
            keys.push(crate::codec::uuid(&key)?);
        }
    }
    Ok(keys)
}
