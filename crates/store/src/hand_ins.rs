//! Finance's collections of closes (缴款, migration 0013): a hand-in with the cash and cheques
//! counted against those expected, the closes it covers, and its reversal by a row of its own.

use chrono::NaiveDateTime;
use sqlx::{AssertSqlSafe, SqliteConnection};
use uuid::Uuid;

use crate::codec::{time, time_text, uuid};
use crate::error::Result;

/// A hand-in about to be written, or as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HandIn {
    pub key: Uuid,
    pub hand_in_no: String,
    /// Whose closes (username).
    pub cashier: String,
    /// Who collected them (username).
    pub by_user: String,
    pub at: NaiveDateTime,
    pub expected_cash_fen: i64,
    pub counted_cash_fen: i64,
    /// JSON: face value in fen → pieces, when counted by denomination.
    pub denominations: Option<String>,
    pub expected_cheque_fen: i64,
    /// JSON: the cheques received.
    pub cheques: String,
    pub counted_cheque_fen: i64,
    pub difference_fen: i64,
    pub reason: Option<String>,
    /// The closes it covers.
    pub closes: Vec<String>,
    /// Reversed: by whom, when, why.
    pub reversed: Option<(String, NaiveDateTime, String)>,
}

/// Writes a hand-in covering the closes `close_ids`.
pub async fn append(conn: &mut SqliteConnection, hand_in: &HandIn, close_ids: &[i64]) -> Result<i64> {
    let id = sqlx::query(
        "INSERT INTO hand_ins (key, hand_in_no, cashier, by_user, at, expected_cash_fen, counted_cash_fen, denominations,
                               expected_cheque_fen, cheques, counted_cheque_fen, difference_fen, reason)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )
    .bind(hand_in.key.to_string())
    .bind(&hand_in.hand_in_no)
    .bind(&hand_in.cashier)
    .bind(&hand_in.by_user)
    .bind(time_text(hand_in.at))
    .bind(hand_in.expected_cash_fen)
    .bind(hand_in.counted_cash_fen)
    .bind(&hand_in.denominations)
    .bind(hand_in.expected_cheque_fen)
    .bind(&hand_in.cheques)
    .bind(hand_in.counted_cheque_fen)
    .bind(hand_in.difference_fen)
    .bind(&hand_in.reason)
    .execute(&mut *conn)
    .await?
    .last_insert_rowid();
    for close in close_ids {
        sqlx::query("INSERT INTO hand_in_closes (hand_in_id, close_id) VALUES (?1, ?2)")
            .bind(id)
            .bind(close)
            .execute(&mut *conn)
            .await?;
    }
    Ok(id)
}

type Row =
    (i64, String, String, String, String, String, i64, i64, Option<String>, i64, String, i64, i64, Option<String>);

async fn where_(conn: &mut SqliteConnection, filter: &str, bind: &str) -> Result<Vec<(i64, HandIn)>> {
    let rows: Vec<Row> = sqlx::query_as(AssertSqlSafe(format!(
        "SELECT h.id, h.key, h.hand_in_no, h.cashier, h.by_user, h.at, h.expected_cash_fen, h.counted_cash_fen,
                h.denominations, h.expected_cheque_fen, h.cheques, h.counted_cheque_fen, h.difference_fen, h.reason
         FROM hand_ins h WHERE {filter} ORDER BY h.id"
    )))
    .bind(bind)
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let closes: Vec<String> = sqlx::query_scalar(
            "SELECT c.close_no FROM hand_in_closes hc JOIN closes c ON c.id = hc.close_id WHERE hc.hand_in_id = ?1 ORDER BY c.id",
        )
        .bind(r.0)
        .fetch_all(&mut *conn)
        .await?;
        let reversal: Option<(String, String, String)> =
            sqlx::query_as("SELECT by_user, at, reason FROM hand_in_reversals WHERE hand_in_id = ?1")
                .bind(r.0)
                .fetch_optional(&mut *conn)
                .await?;
        let reversed = match reversal {
            Some((by, at, reason)) => Some((by, time(&at)?, reason)),
            None => None,
        };
        out.push((
            r.0,
            HandIn {
                key: uuid(&r.1)?,
                hand_in_no: r.2,
                cashier: r.3,
                by_user: r.4,
                at: time(&r.5)?,
                expected_cash_fen: r.6,
                counted_cash_fen: r.7,
                denominations: r.8,
                expected_cheque_fen: r.9,
                cheques: r.10,
                counted_cheque_fen: r.11,
                difference_fen: r.12,
                reason: r.13,
                closes,
                reversed,
            },
        ));
    }
    Ok(out)
}

pub async fn by_key(conn: &mut SqliteConnection, key: Uuid) -> Result<Option<(i64, HandIn)>> {
    Ok(where_(conn, "h.key = ?1", &key.to_string()).await?.pop())
}

pub async fn by_no(conn: &mut SqliteConnection, hand_in_no: &str) -> Result<Option<(i64, HandIn)>> {
    Ok(where_(conn, "h.hand_in_no = ?1", hand_in_no).await?.pop())
}

/// How many hand-ins were written: the next one's sequence.
pub async fn count(conn: &mut SqliteConnection) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT count(*) FROM hand_ins").fetch_one(conn).await?)
}

/// Reverses a hand-in: its closes wait for collection again.
pub async fn reverse(
    conn: &mut SqliteConnection,
    key: Uuid,
    hand_in_id: i64,
    by: &str,
    at: NaiveDateTime,
    reason: &str,
) -> Result<()> {
    sqlx::query("INSERT INTO hand_in_reversals (key, hand_in_id, by_user, at, reason) VALUES (?1, ?2, ?3, ?4, ?5)")
        .bind(key.to_string())
        .bind(hand_in_id)
        .bind(by)
        .bind(time_text(at))
        .bind(reason)
        .execute(conn)
        .await?;
    Ok(())
}

/// The hand-in a reversal under `key` reversed, if any.
pub async fn reversal_by_key(conn: &mut SqliteConnection, key: Uuid) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar("SELECT hand_in_id FROM hand_in_reversals WHERE key = ?1")
        .bind(key.to_string())
        .fetch_optional(conn)
        .await?)
}
