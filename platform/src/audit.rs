//! The audit log: append-only, each row holding the hash of the previous one, so an edited or
//! deleted row breaks the chain from that row on. `verify` walks it and names the first broken row.

use sha2::{Digest, Sha256};
use sqlx::{PgConnection, PgPool};

/// The hash a row must have.
pub fn row_hash(prev_hash: &str, id: i64, at: &str, actor: &str, action: &str, detail: &str) -> String {
    let mut hasher = Sha256::new();
    for part in [prev_hash, &id.to_string(), at, actor, action, detail] {
        hasher.update(part.as_bytes());
        hasher.update([0x1f]);
    }
    hex::encode(hasher.finalize())
}

/// The hash before the first row.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Appends a row inside the caller's transaction; rows are serialized by a table lock so the
/// chain has no forks.
pub async fn append(
    conn: &mut PgConnection,
    actor: &str,
    action: &str,
    detail: &serde_json::Value,
) -> Result<(), sqlx::Error> {
    sqlx::query("LOCK TABLE audit_log IN SHARE ROW EXCLUSIVE MODE").execute(&mut *conn).await?;
    let last: Option<(i64, String)> =
        sqlx::query_as("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetch_optional(&mut *conn).await?;
    let (id, prev) = match last {
        Some((id, hash)) => (id + 1, hash),
        None => (1, GENESIS.to_owned()),
    };
    let at = crate::clock::instant().to_rfc3339();
    let detail = detail.to_string();
    let hash = row_hash(&prev, id, &at, actor, action, &detail);
    sqlx::query(
        "INSERT INTO audit_log (id, at, actor, action, detail, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id)
    .bind(&at)
    .bind(actor)
    .bind(action)
    .bind(&detail)
    .bind(&prev)
    .bind(&hash)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The result of walking the chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verification {
    pub rows: i64,
    /// The first row whose hash or link does not hold, and why.
    pub first_broken: Option<(i64, String)>,
}

pub async fn verify(pool: &PgPool) -> Result<Verification, sqlx::Error> {
    let rows: Vec<(i64, String, String, String, String, String, String)> =
        sqlx::query_as("SELECT id, at, actor, action, detail, prev_hash, hash FROM audit_log ORDER BY id")
            .fetch_all(pool)
            .await?;
    let mut prev = GENESIS.to_owned();
    let mut expected_id = 1;
    for (id, at, actor, action, detail, prev_hash, hash) in &rows {
        let broken = if *id != expected_id {
            Some(format!("缺少第 {expected_id} 行（已被删除）"))
        } else if *prev_hash != prev {
            Some("与上一行的哈希不相连".to_owned())
        } else if row_hash(prev_hash, *id, at, actor, action, detail) != *hash {
            Some("内容与哈希不符（已被篡改）".to_owned())
        } else {
            None
        };
        if let Some(reason) = broken {
            return Ok(Verification {
                rows: i64::try_from(rows.len()).unwrap_or(i64::MAX),
                first_broken: Some((*id, reason)),
            });
        }
        prev = hash.clone();
        expected_id = id + 1;
    }
    Ok(Verification { rows: i64::try_from(rows.len()).unwrap_or(i64::MAX), first_broken: None })
}
