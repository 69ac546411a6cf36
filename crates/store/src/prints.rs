//! The print log (migration 0012): every print of a document, who printed it, when and — for a
//! reprint (补打) — why. Nothing is updated or deleted.

use chrono::NaiveDateTime;
use sqlx::SqliteConnection;
use uuid::Uuid;

use crate::codec::time_text;
use crate::error::Result;

/// How many times `document` `number` was printed before.
pub async fn count(conn: &mut SqliteConnection, document: &str, number: &str) -> Result<u32> {
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM prints WHERE document = ?1 AND number = ?2")
        .bind(document)
        .bind(number)
        .fetch_one(conn)
        .await?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// Records a print.
pub async fn record(
    conn: &mut SqliteConnection,
    key: Uuid,
    document: &str,
    number: &str,
    by: &str,
    reason: Option<&str>,
    at: NaiveDateTime,
) -> Result<()> {
    sqlx::query("INSERT INTO prints (key, document, number, by_user, reason, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
        .bind(key.to_string())
        .bind(document)
        .bind(number)
        .bind(by)
        .bind(reason)
        .bind(time_text(at))
        .execute(conn)
        .await?;
    Ok(())
}
