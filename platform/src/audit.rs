//! The audit log: append-only, each row holding the hash of the previous one, so an edited or
//! deleted row breaks the chain from that row on. `verify` walks it and names the first broken
//! row; with a signed checkpoint of the head kept outside the database ([`checkpoint`]) it also
//! names rows missing at the tail (deleted or truncated), which the chain alone cannot show.

pub mod checkpoint;

use sha2::{Digest, Sha256};
use sqlx::{PgConnection, PgPool};

/// The hash a row written before hash_version 2 must have: the fields joined by 0x1f.
pub fn row_hash(prev_hash: &str, id: i64, at: &str, actor: &str, action: &str, detail: &str) -> String {
    let mut hasher = Sha256::new();
    for part in [prev_hash, &id.to_string(), at, actor, action, detail] {
        hasher.update(part.as_bytes());
        hasher.update([0x1f]);
    }
    hex::encode(hasher.finalize())
}

/// The hash of a hash_version 2 row: each field preceded by its length (8 bytes, big-endian), so
/// no text can move from one field into the next under the same hash.
pub fn row_hash_v2(prev_hash: &str, id: i64, at: &str, actor: &str, action: &str, detail: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"audit_log/2");
    for part in [prev_hash, &id.to_string(), at, actor, action, detail] {
        hasher.update(u64::try_from(part.len()).unwrap_or(u64::MAX).to_be_bytes());
        hasher.update(part.as_bytes());
    }
    hex::encode(hasher.finalize())
}

/// The hash version new rows are written with.
pub const HASH_VERSION: i16 = 2;

fn hash_of(version: i16, prev_hash: &str, id: i64, at: &str, actor: &str, action: &str, detail: &str) -> String {
    if version >= 2 {
        row_hash_v2(prev_hash, id, at, actor, action, detail)
    } else {
        row_hash(prev_hash, id, at, actor, action, detail)
    }
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
    let hash = row_hash_v2(&prev, id, &at, actor, action, &detail);
    sqlx::query(
        "INSERT INTO audit_log (id, at, actor, action, detail, prev_hash, hash, hash_version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(id)
    .bind(&at)
    .bind(actor)
    .bind(action)
    .bind(&detail)
    .bind(&prev)
    .bind(&hash)
    .bind(HASH_VERSION)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Appends a row in a transaction of its own (for reads worth auditing: searches, downloads).
pub async fn record(pool: &PgPool, actor: &str, action: &str, detail: &serde_json::Value) -> Result<(), sqlx::Error> {
    let mut tx = pool.begin().await?;
    append(&mut tx, actor, action, detail).await?;
    tx.commit().await
}

/// The result of walking the chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verification {
    pub rows: i64,
    /// The first row whose hash or link does not hold, and why.
    pub first_broken: Option<(i64, String)>,
    /// What the newest checkpoint shows is missing or rewritten (when one was given).
    pub checkpoint: Option<String>,
}

impl Verification {
    pub fn ok(&self) -> bool {
        self.first_broken.is_none() && self.checkpoint.is_none()
    }
}

/// Walks the chain alone: edits and deletions before the last row; not a shortened tail.
pub async fn verify(pool: &PgPool) -> Result<Verification, sqlx::Error> {
    verify_with(pool, None).await
}

/// A row as `verify` reads it.
type Row = (i64, String, String, String, String, String, String, i16);

/// Walks the chain and compares it with `checkpoint`, the newest signed head: the chain must
/// still hold the checkpoint's last row, with the same hash.
pub async fn verify_with(
    pool: &PgPool,
    checkpoint: Option<&checkpoint::Checkpoint>,
) -> Result<Verification, sqlx::Error> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT id, at, actor, action, detail, prev_hash, hash, hash_version FROM audit_log ORDER BY id",
    )
    .fetch_all(pool)
    .await?;
    let count = i64::try_from(rows.len()).unwrap_or(i64::MAX);
    let mut prev = GENESIS.to_owned();
    let mut expected_id = 1;
    let mut newest_version = 1;
    let mut first_broken = None;
    let mut at_checkpoint = None;
    for (id, at, actor, action, detail, prev_hash, hash, version) in &rows {
        let broken = if *id != expected_id {
            Some(format!("缺少第 {expected_id} 行（已被删除）"))
        } else if *prev_hash != prev {
            Some("与上一行的哈希不相连".to_owned())
        } else if *version < newest_version {
            Some("哈希版本倒退（已被篡改）".to_owned())
        } else if hash_of(*version, prev_hash, *id, at, actor, action, detail) != *hash {
            Some("内容与哈希不符（已被篡改）".to_owned())
        } else {
            None
        };
        if let Some(reason) = broken {
            first_broken = Some((*id, reason));
            break;
        }
        if checkpoint.is_some_and(|c| c.rows == *id) {
            at_checkpoint = Some(hash.clone());
        }
        newest_version = *version;
        prev = hash.clone();
        expected_id = id + 1;
    }
    let last_id = rows.last().map_or(0, |r| r.0);
    let checkpoint = checkpoint.and_then(|c| compare(c, last_id, at_checkpoint.as_deref(), first_broken.is_some()));
    Ok(Verification { rows: count, first_broken, checkpoint })
}

/// What the chain (its last row `last_id`; `hash` of the checkpoint's row, if it was reached
/// intact) lacks against the checkpoint.
fn compare(c: &checkpoint::Checkpoint, last_id: i64, hash: Option<&str>, broken: bool) -> Option<String> {
    if c.rows == 0 {
        return None;
    }
    if last_id < c.rows {
        let from = last_id + 1;
        let range = if from == c.rows { format!("第 {from} 行") } else { format!("第 {from}–{} 行", c.rows) };
        return Some(format!(
            "检查点（{}）记录了 {} 行，现在最后一行是第 {last_id} 行：{range}缺失（末尾被删除或清空）",
            c.at, c.rows
        ));
    }
    match hash {
        Some(hash) if hash == c.hash => None,
        Some(_) => Some(format!("第 {} 行的哈希与检查点（{}）不符：第 {} 行及之前的行被改写", c.rows, c.at, c.rows)),
        // The walk stopped at an earlier broken row, which is already named.
        None if broken => None,
        None => Some(format!("检查点（{}）记录的第 {} 行不在链上", c.at, c.rows)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_2_hashes_cannot_move_text_between_fields() {
        // Joined by a separator, "a\u{1f}b" + "c" and "a" + "b\u{1f}c" collide; length-prefixed they do not.
        assert_eq!(row_hash("p", 1, "t", "a\u{1f}b", "c", "d"), row_hash("p", 1, "t", "a", "b\u{1f}c", "d"));
        assert_ne!(row_hash_v2("p", 1, "t", "a\u{1f}b", "c", "d"), row_hash_v2("p", 1, "t", "a", "b\u{1f}c", "d"));
        assert_ne!(row_hash_v2("p", 1, "t", "ab", "c", "d"), row_hash_v2("p", 1, "t", "a", "bc", "d"));
        assert_ne!(row_hash_v2("p", 1, "t", "a", "b", "c"), row_hash("p", 1, "t", "a", "b", "c"));
    }

    #[test]
    fn a_short_tail_is_named_against_the_checkpoint() {
        let c = checkpoint::Checkpoint { rows: 9, hash: "h9".into(), at: "T".into() };
        let missing = compare(&c, 6, None, false).unwrap();
        assert!(missing.contains("第 7–9 行缺失"), "{missing}");
        assert!(compare(&c, 8, None, false).unwrap().contains("第 9 行缺失"));
        assert!(compare(&c, 0, None, false).unwrap().contains("第 1–9 行缺失"));
        assert_eq!(compare(&c, 12, Some("h9"), false), None);
        assert!(compare(&c, 12, Some("hX"), false).unwrap().contains("被改写"));
        assert_eq!(compare(&c, 12, None, true), None);
    }
}
