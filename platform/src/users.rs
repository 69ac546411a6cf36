//! Disabling users and changing passwords, from the CLI or the admin API. `users` holds the
//! current state; every change is also a row of the append-only `user_changes` and an audit
//! entry. Disabling ends the user's sessions at once (their tokens are refused from the next
//! request); a new password ends the user's other sessions.

use chrono::{DateTime, Utc};

use crate::audit;

/// What became of a user change.
#[derive(Debug, thiserror::Error)]
pub enum UserChangeError {
    #[error("用户 {0} 不存在")]
    Unknown(String),
    #[error("密码至少 8 位，最长 {} 字节", crate::auth::MAX_PASSWORD_BYTES)]
    WeakPassword,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error("{0}")]
    Other(String),
}

async fn record(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    username: &str,
    change: &str,
    hash: Option<&str>,
    by: &str,
    at: DateTime<Utc>,
) -> Result<(), UserChangeError> {
    sqlx::query("INSERT INTO user_changes (username, change, password_hash, by_user, at) VALUES ($1, $2, $3, $4, $5)")
        .bind(username)
        .bind(change)
        .bind(hash)
        .bind(by)
        .bind(at)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Disables `username` (idempotent) and ends all of their sessions; returns how many ended.
pub async fn disable(pool: &sqlx::PgPool, username: &str, by: &str) -> Result<u64, UserChangeError> {
    let now = crate::clock::instant();
    let mut tx = pool.begin().await?;
    let found = sqlx::query("UPDATE users SET disabled_at = coalesce(disabled_at, $2) WHERE username = $1")
        .bind(username)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    if found.rows_affected() == 0 {
        return Err(UserChangeError::Unknown(username.to_owned()));
    }
    let ended = sqlx::query("DELETE FROM sessions WHERE username = $1").bind(username).execute(&mut *tx).await?;
    record(&mut tx, username, "disabled", None, by, now).await?;
    let detail = serde_json::json!({ "username": username, "sessions_ended": ended.rows_affected() });
    audit::append(&mut tx, by, "user.disable", &detail).await?;
    tx.commit().await?;
    Ok(ended.rows_affected())
}

/// Enables a disabled `username` again (idempotent); they log in anew, no session comes back.
pub async fn enable(pool: &sqlx::PgPool, username: &str, by: &str) -> Result<(), UserChangeError> {
    let now = crate::clock::instant();
    let mut tx = pool.begin().await?;
    let found =
        sqlx::query("UPDATE users SET disabled_at = NULL WHERE username = $1").bind(username).execute(&mut *tx).await?;
    if found.rows_affected() == 0 {
        return Err(UserChangeError::Unknown(username.to_owned()));
    }
    record(&mut tx, username, "enabled", None, by, now).await?;
    audit::append(&mut tx, by, "user.enable", &serde_json::json!({ "username": username })).await?;
    tx.commit().await?;
    Ok(())
}

/// Sets `username`'s password and ends their sessions except `keep` (the token hash of the
/// session that asked, when the user changes their own password); returns how many ended.
pub async fn set_password(
    pool: &sqlx::PgPool,
    username: &str,
    password: &str,
    by: &str,
    keep: Option<&str>,
) -> Result<u64, UserChangeError> {
    if password.len() < 8 || password.len() > crate::auth::MAX_PASSWORD_BYTES {
        return Err(UserChangeError::WeakPassword);
    }
    let owned = password.to_owned();
    let hash = tokio::task::spawn_blocking(move || crate::auth::hash_password(&owned))
        .await
        .map_err(|e| UserChangeError::Other(e.to_string()))?
        .map_err(|e| UserChangeError::Other(e.to_string()))?;
    let now = crate::clock::instant();
    let mut tx = pool.begin().await?;
    let found = sqlx::query("UPDATE users SET password_hash = $2 WHERE username = $1")
        .bind(username)
        .bind(&hash)
        .execute(&mut *tx)
        .await?;
    if found.rows_affected() == 0 {
        return Err(UserChangeError::Unknown(username.to_owned()));
    }
    let ended = sqlx::query("DELETE FROM sessions WHERE username = $1 AND token_hash IS DISTINCT FROM $2")
        .bind(username)
        .bind(keep)
        .execute(&mut *tx)
        .await?;
    record(&mut tx, username, "password", Some(&hash), by, now).await?;
    let detail = serde_json::json!({ "username": username, "sessions_ended": ended.rows_affected() });
    audit::append(&mut tx, by, "user.password", &detail).await?;
    tx.commit().await?;
    Ok(ended.rows_affected())
}
