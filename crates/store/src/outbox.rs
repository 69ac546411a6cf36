//! The outbox: every local operation as the envelope the platform will receive, written in the
//! same transaction as its effect; the platform's answers appended beside it.

use chrono::NaiveDateTime;
use sqlx::SqliteConnection;

use crate::codec::time_text;
use crate::error::Result;

/// One operation waiting to be pushed (or already answered).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pending {
    pub seq: i64,
    pub key: String,
    pub envelope: String,
}

pub async fn append(
    conn: &mut SqliteConnection,
    key: &str,
    admission_id: &str,
    cashier: &str,
    at: NaiveDateTime,
    envelope: &str,
) -> Result<()> {
    sqlx::query("INSERT INTO outbox (key, admission_id, cashier, at, envelope) VALUES (?1, ?2, ?3, ?4, ?5)")
        .bind(key)
        .bind(admission_id)
        .bind(cashier)
        .bind(time_text(at))
        .bind(envelope)
        .execute(conn)
        .await?;
    Ok(())
}

/// Operations the platform has not answered yet, oldest first.
pub async fn unanswered(conn: &mut SqliteConnection, limit: i64) -> Result<Vec<Pending>> {
    let rows: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT o.seq, o.key, o.envelope FROM outbox o WHERE NOT EXISTS (SELECT 1 FROM outbox_acks a WHERE a.key = o.key)
         ORDER BY o.seq LIMIT ?1",
    )
    .bind(limit)
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|(seq, key, envelope)| Pending { seq, key, envelope }).collect())
}

pub async fn waiting(conn: &mut SqliteConnection) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT count(*) FROM outbox o WHERE NOT EXISTS (SELECT 1 FROM outbox_acks a WHERE a.key = o.key)",
    )
    .fetch_one(conn)
    .await?)
}

/// Records the platform's answer; for a rejection, also the keys of the operation's rows so the
/// account leaves them out. A second answer for the same key is ignored.
pub async fn acknowledge(
    conn: &mut SqliteConnection,
    key: &str,
    outcome: &str,
    code: Option<&str>,
    message: Option<&str>,
    record_keys: &[String],
    at: NaiveDateTime,
) -> Result<()> {
    let inserted =
        sqlx::query("INSERT OR IGNORE INTO outbox_acks (key, outcome, code, message, at) VALUES (?1, ?2, ?3, ?4, ?5)")
            .bind(key)
            .bind(outcome)
            .bind(code)
            .bind(message)
            .bind(time_text(at))
            .execute(&mut *conn)
            .await?
            .rows_affected();
    if inserted == 1 && matches!(outcome, "rejected" | "invalid") {
        for record in record_keys {
            sqlx::query("INSERT OR IGNORE INTO rejected_records (key, operation) VALUES (?1, ?2)")
                .bind(record)
                .bind(key)
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(())
}

/// How many operations the platform refused (they wait in the pending list).
pub async fn refused_count(conn: &mut SqliteConnection) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT count(*) FROM outbox_acks WHERE outcome IN ('rejected', 'invalid')")
        .fetch_one(conn)
        .await?)
}

/// Every operation key with its answer (None when unanswered): for checks that nothing was lost.
pub async fn all(conn: &mut SqliteConnection) -> Result<Vec<(String, Option<String>)>> {
    Ok(sqlx::query_as("SELECT o.key, a.outcome FROM outbox o LEFT JOIN outbox_acks a ON a.key = o.key ORDER BY o.seq")
        .fetch_all(conn)
        .await?)
}
