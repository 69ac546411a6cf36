//! The outbox: every local operation as the envelope the platform will receive, written in the
//! same transaction as its effect; the platform's answers appended beside it. An operation the
//! platform could not apply (`failed`) gets an attempt row instead of an answer and waits before
//! it goes again — 10 s after the first failure, doubling up to an hour — while the rest of the
//! outbox goes on.

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

/// Operations the platform has not answered yet and that may go at `now` (a failed one only
/// once its wait is over), oldest first.
pub async fn unanswered(conn: &mut SqliteConnection, limit: i64, now: NaiveDateTime) -> Result<Vec<Pending>> {
    let rows: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT o.seq, o.key, o.envelope FROM outbox o
         WHERE NOT EXISTS (SELECT 1 FROM outbox_acks a WHERE a.key = o.key)
           AND NOT EXISTS (SELECT 1 FROM outbox_failures f WHERE f.key = o.key AND f.retry_at > ?2)
         ORDER BY o.seq LIMIT ?1",
    )
    .bind(limit)
    .bind(time_text(now))
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|(seq, key, envelope)| Pending { seq, key, envelope }).collect())
}

/// Operations waiting to be sent (never answered, never failed).
pub async fn waiting(conn: &mut SqliteConnection) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT count(*) FROM outbox o WHERE NOT EXISTS (SELECT 1 FROM outbox_acks a WHERE a.key = o.key)
           AND NOT EXISTS (SELECT 1 FROM outbox_failures f WHERE f.key = o.key)",
    )
    .fetch_one(conn)
    .await?)
}

/// Operations the platform could not apply and that still wait for an answer (retried).
pub async fn failed_count(conn: &mut SqliteConnection) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT count(DISTINCT f.key) FROM outbox_failures f
         WHERE NOT EXISTS (SELECT 1 FROM outbox_acks a WHERE a.key = f.key)",
    )
    .fetch_one(conn)
    .await?)
}

/// The wait before attempt `attempt + 1`, after `attempt` failures: 10 s, doubling, at most 1 h.
pub fn retry_wait(attempt: i64) -> chrono::Duration {
    let doublings = u32::try_from(attempt.saturating_sub(1).clamp(0, 20)).unwrap_or(20);
    chrono::Duration::seconds((10_i64 << doublings).min(3_600))
}

/// Appends a failed attempt (the platform answered `failed`); returns the attempt's number.
pub async fn record_failure(
    conn: &mut SqliteConnection,
    key: &str,
    code: Option<&str>,
    message: Option<&str>,
    at: NaiveDateTime,
) -> Result<i64> {
    let before: i64 = sqlx::query_scalar("SELECT count(*) FROM outbox_failures WHERE key = ?1")
        .bind(key)
        .fetch_one(&mut *conn)
        .await?;
    let attempt = before + 1;
    sqlx::query(
        "INSERT INTO outbox_failures (key, attempt, code, message, at, retry_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )
    .bind(key)
    .bind(attempt)
    .bind(code)
    .bind(message)
    .bind(time_text(at))
    .bind(time_text(at + retry_wait(attempt)))
    .execute(conn)
    .await?;
    Ok(attempt)
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

/// Operations the platform has not answered yet (waiting or failed and retried).
pub async fn unacknowledged(conn: &mut SqliteConnection) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT count(*) FROM outbox o WHERE NOT EXISTS (SELECT 1 FROM outbox_acks a WHERE a.key = o.key)",
    )
    .fetch_one(conn)
    .await?)
}

#[cfg(test)]
mod tests {
    use super::retry_wait;

    #[test]
    fn the_wait_doubles_from_ten_seconds_up_to_an_hour() {
        let waits: Vec<i64> = (1..=10).map(|a| retry_wait(a).num_seconds()).collect();
        assert_eq!(waits, [10, 20, 40, 80, 160, 320, 640, 1280, 2560, 3600]);
        assert_eq!(retry_wait(1_000).num_seconds(), 3600);
    }
}
