//! Users of this counter and their login attempts (kept, never rewritten, for lockout and audit).

use chrono::NaiveDateTime;
use sqlx::SqliteConnection;

use crate::codec::{time, time_text};
use crate::error::Result;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserRecord {
    pub username: String,
    pub display_name: String,
    /// `cashier`, `finance`, `supervisor` or `admin`.
    pub role: String,
    /// PHC string (argon2id).
    pub password_hash: String,
    /// Printed in the user's receipt numbers (YJ01…); empty for users who take no money.
    pub receipt_prefix: String,
}

pub async fn insert(conn: &mut SqliteConnection, user: &UserRecord) -> Result<()> {
    sqlx::query(
        "INSERT INTO users (username, display_name, role, password_hash, receipt_prefix) VALUES (?1, ?2, ?3, ?4, ?5)",
    )
    .bind(&user.username)
    .bind(&user.display_name)
    .bind(&user.role)
    .bind(&user.password_hash)
    .bind(&user.receipt_prefix)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn find(conn: &mut SqliteConnection, username: &str) -> Result<Option<UserRecord>> {
    let row: Option<UserRow> = sqlx::query_as(
        "SELECT username, display_name, role, password_hash, receipt_prefix FROM users WHERE username = ?1",
    )
    .bind(username)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(user_from_row))
}

pub async fn list(conn: &mut SqliteConnection) -> Result<Vec<UserRecord>> {
    let rows: Vec<UserRow> = sqlx::query_as(
        "SELECT username, display_name, role, password_hash, receipt_prefix FROM users ORDER BY username",
    )
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(user_from_row).collect())
}

type UserRow = (String, String, String, String, String);

fn user_from_row((username, display_name, role, password_hash, receipt_prefix): UserRow) -> UserRecord {
    UserRecord { username, display_name, role, password_hash, receipt_prefix }
}

pub async fn record_attempt(
    conn: &mut SqliteConnection,
    username: &str,
    at: NaiveDateTime,
    succeeded: bool,
) -> Result<()> {
    sqlx::query("INSERT INTO login_attempts (username, at, succeeded) VALUES (?1, ?2, ?3)")
        .bind(username)
        .bind(time_text(at))
        .bind(i64::from(succeeded))
        .execute(conn)
        .await?;
    Ok(())
}

/// Times of the failed attempts since the user's last successful login, newest first.
pub async fn failures_since_last_success(conn: &mut SqliteConnection, username: &str) -> Result<Vec<NaiveDateTime>> {
    let rows: Vec<String> = sqlx::query_scalar(
        "SELECT at FROM login_attempts
         WHERE username = ?1 AND succeeded = 0
           AND id > COALESCE((SELECT MAX(id) FROM login_attempts WHERE username = ?1 AND succeeded = 1), 0)
         ORDER BY id DESC LIMIT 20",
    )
    .bind(username)
    .fetch_all(conn)
    .await?;
    rows.iter().map(|t| time(t)).collect()
}

/// Drops a user's cached password hash (the platform disabled them): no offline login here
/// until they log in online again, which the platform refuses while they stay disabled.
pub async fn forget_password(conn: &mut SqliteConnection, username: &str) -> Result<()> {
    sqlx::query("UPDATE users SET password_hash = '' WHERE username = ?1 AND password_hash <> ''")
        .bind(username)
        .execute(conn)
        .await?;
    Ok(())
}

/// Records or refreshes a user as the platform knows them (after an online login), so they can
/// log in here while offline.
pub async fn upsert(conn: &mut SqliteConnection, user: &UserRecord) -> Result<()> {
    sqlx::query(
        "INSERT INTO users (username, display_name, role, password_hash, receipt_prefix) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (username) DO UPDATE SET display_name = excluded.display_name, role = excluded.role,
             password_hash = excluded.password_hash, receipt_prefix = excluded.receipt_prefix",
    )
    .bind(&user.username)
    .bind(&user.display_name)
    .bind(&user.role)
    .bind(&user.password_hash)
    .bind(&user.receipt_prefix)
    .execute(conn)
    .await?;
    Ok(())
}
