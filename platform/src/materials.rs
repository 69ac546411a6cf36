//! A registration's materials (the scanned pages) as they reach the platform: uploaded in chunks
//! of [`MATERIAL_CHUNK_BYTES`], each checked against the SHA-256 its header names, kept once by
//! the whole file's SHA-256. An interrupted upload continues with the chunks still missing (the
//! status names those held); a file already complete is recognised and nothing is sent again.
//! When the last chunk arrives the whole is checked against its hash; a mismatch throws the
//! chunks away.

use axum::http::StatusCode;
use sha2::{Digest, Sha256};
use sqlx::PgConnection;
use wire::blood::{MATERIAL_CHUNK_BYTES, MATERIAL_MAX_BYTES, MaterialStatus, chunk_count};

use crate::AppState;
use crate::error::{ApiError, ApiResult};

pub const CHUNK_HASH_MISMATCH: &str = "CHUNK_HASH_MISMATCH";
pub const MATERIAL_HASH_MISMATCH: &str = "MATERIAL_HASH_MISMATCH";
pub const MATERIAL_INVALID: &str = "MATERIAL_INVALID";

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, MATERIAL_INVALID, message)
}

/// A lower-case hex SHA-256, or the refusal.
pub fn checked_hash(text: &str) -> ApiResult<&str> {
    if text.len() == 64 && text.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
        Ok(text)
    } else {
        Err(invalid(format!("材料的 SHA-256 应为 64 位小写十六进制：“{text}”")))
    }
}

fn hex_of(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// How far the upload of `sha256` has come; `None` when nothing of it arrived.
pub async fn status(conn: &mut PgConnection, sha256: &str) -> ApiResult<Option<MaterialStatus>> {
    let row: Option<(i64, i64, bool)> =
        sqlx::query_as("SELECT bytes, chunk_bytes, complete_at IS NOT NULL FROM materials WHERE sha256 = $1")
            .bind(sha256)
            .fetch_optional(&mut *conn)
            .await?;
    let Some((bytes, chunk_bytes, complete)) = row else { return Ok(None) };
    let bytes = u64::try_from(bytes).unwrap_or(0);
    let received: Vec<i64> = if complete {
        (0..i64::try_from(chunk_count(bytes)).unwrap_or(0)).collect()
    } else {
        sqlx::query_scalar("SELECT index FROM material_chunks WHERE sha256 = $1 ORDER BY index")
            .bind(sha256)
            .fetch_all(&mut *conn)
            .await?
    };
    Ok(Some(MaterialStatus {
        sha256: sha256.to_owned(),
        bytes,
        chunk_bytes: u64::try_from(chunk_bytes).unwrap_or(MATERIAL_CHUNK_BYTES),
        received: received.into_iter().filter_map(|i| u64::try_from(i).ok()).collect(),
        complete,
    }))
}

/// One chunk of a material of `bytes` in all: its index in range, its length what that index
/// must hold, its hash the header's. Held chunks and complete files are answered as they are.
pub async fn put_chunk(
    state: &AppState,
    sha256: &str,
    index: u64,
    bytes: u64,
    chunk_sha: &str,
    data: &[u8],
) -> ApiResult<MaterialStatus> {
    let sha256 = checked_hash(sha256)?;
    if bytes == 0 || bytes > MATERIAL_MAX_BYTES {
        return Err(invalid(format!(
            "材料大小 {bytes} 字节不在 1 字节到 {} MB 之间",
            MATERIAL_MAX_BYTES / 1024 / 1024
        )));
    }
    let chunks = chunk_count(bytes);
    if index >= chunks {
        return Err(invalid(format!("分块序号 {index} 超出范围（共 {chunks} 块）")));
    }
    let expected = MATERIAL_CHUNK_BYTES.min(bytes - index * MATERIAL_CHUNK_BYTES);
    if u64::try_from(data.len()).unwrap_or(u64::MAX) != expected {
        return Err(invalid(format!("第 {index} 块应为 {expected} 字节，收到 {} 字节", data.len())));
    }
    if hex_of(data) != chunk_sha {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            CHUNK_HASH_MISMATCH,
            format!("第 {index} 块的 SHA-256 与声明的不符（传输中损坏），请重传该块"),
        ));
    }
    let (db_bytes, db_index) =
        (i64::try_from(bytes).map_err(ApiError::internal)?, i64::try_from(index).map_err(ApiError::internal)?);
    let mut tx = state.pool.begin().await?;
    sqlx::query(
        "INSERT INTO materials (sha256, bytes, chunk_bytes) VALUES ($1, $2, $3) ON CONFLICT (sha256) DO NOTHING",
    )
    .bind(sha256)
    .bind(db_bytes)
    .bind(i64::try_from(MATERIAL_CHUNK_BYTES).map_err(ApiError::internal)?)
    .execute(&mut *tx)
    .await?;
    let (held_bytes, complete): (i64, bool) =
        sqlx::query_as("SELECT bytes, complete_at IS NOT NULL FROM materials WHERE sha256 = $1 FOR UPDATE")
            .bind(sha256)
            .fetch_one(&mut *tx)
            .await?;
    if held_bytes != db_bytes {
        return Err(invalid(format!("材料 {sha256} 已按 {held_bytes} 字节开始上传，本次称 {bytes} 字节")));
    }
    if !complete {
        sqlx::query(
            "INSERT INTO material_chunks (sha256, index, chunk_sha, data, received_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (sha256, index) DO NOTHING",
        )
        .bind(sha256)
        .bind(db_index)
        .bind(chunk_sha)
        .bind(data)
        .bind(state.clock().now())
        .execute(&mut *tx)
        .await?;
        let held: i64 = sqlx::query_scalar("SELECT count(*) FROM material_chunks WHERE sha256 = $1")
            .bind(sha256)
            .fetch_one(&mut *tx)
            .await?;
        if u64::try_from(held).unwrap_or(0) == chunks && !assemble(&mut tx, state, sha256).await? {
            // The chunks are thrown away with the refusal, so a retry starts clean.
            tx.commit().await?;
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                MATERIAL_HASH_MISMATCH,
                format!("材料拼合后的 SHA-256 与 {sha256} 不符，已丢弃，请重新上传"),
            ));
        }
    }
    let answer = status(&mut tx, sha256).await?.ok_or_else(|| ApiError::internal("material vanished"))?;
    tx.commit().await?;
    Ok(answer)
}

/// Joins the chunks and, when the whole matches its name, keeps it; false (the chunks
/// discarded) when it does not.
async fn assemble(tx: &mut sqlx::Transaction<'_, sqlx::Postgres>, state: &AppState, sha256: &str) -> ApiResult<bool> {
    let parts: Vec<Vec<u8>> = sqlx::query_scalar("SELECT data FROM material_chunks WHERE sha256 = $1 ORDER BY index")
        .bind(sha256)
        .fetch_all(&mut **tx)
        .await?;
    let whole = parts.concat();
    sqlx::query("DELETE FROM material_chunks WHERE sha256 = $1").bind(sha256).execute(&mut **tx).await?;
    if hex_of(&whole) != sha256 {
        return Ok(false);
    }
    sqlx::query("UPDATE materials SET content = $2, complete_at = $3 WHERE sha256 = $1")
        .bind(sha256)
        .bind(&whole)
        .bind(state.clock().now())
        .execute(&mut **tx)
        .await?;
    Ok(true)
}

/// The whole file of a complete material, with its size.
pub async fn content(conn: &mut PgConnection, sha256: &str) -> ApiResult<Option<Vec<u8>>> {
    Ok(sqlx::query_scalar("SELECT content FROM materials WHERE sha256 = $1 AND complete_at IS NOT NULL")
        .bind(checked_hash(sha256)?)
        .fetch_optional(&mut *conn)
        .await?
        .flatten())
}
