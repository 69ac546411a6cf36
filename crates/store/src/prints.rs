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

/// A print about to be recorded.
pub struct Print<'a> {
    pub key: Uuid,
    pub document: &'a str,
    pub number: &'a str,
    pub by: &'a str,
    pub reason: Option<&'a str>,
    /// The pre-numbered paper it used, if counted.
    pub paper_no: Option<&'a str>,
    pub at: NaiveDateTime,
}

/// Records a print.
pub async fn record(conn: &mut SqliteConnection, print: &Print<'_>) -> Result<()> {
    sqlx::query(
        "INSERT INTO prints (key, document, number, by_user, reason, paper_no, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )
    .bind(print.key.to_string())
    .bind(print.document)
    .bind(print.number)
    .bind(print.by)
    .bind(print.reason)
    .bind(print.paper_no)
    .bind(time_text(print.at))
    .execute(conn)
    .await?;
    Ok(())
}
