//! Counter settings kept in the database (hospital name, counter, demo flag, the channels'
//! refund windows).

use sqlx::SqliteConnection;

use crate::error::Result;

pub const HOSPITAL_NAME: &str = "hospital_name";
pub const COUNTER_NAME: &str = "counter_name";
pub const DEMO: &str = "demo";
/// The device id a platform gave this counter at registration: set, the counter is linked.
pub const DEVICE_ID: &str = "platform.device_id";
/// The platform's address (`https://…`) and the CA file that signed its certificate.
pub const PLATFORM_URL: &str = "platform.url";
pub const PLATFORM_CA: &str = "platform.ca";
/// Where this device takes money (`counter`, `ward_station`, `bedside`, `kiosk`), set in 设置;
/// a start option overrides it.
pub const PLACE: &str = "place";
/// How far this counter has pulled the platform's feed (the last sequence number applied).
pub const PULL_CURSOR: &str = "platform.cursor";
/// Where backups go (default: `backups/` beside the database) and how many are kept (14).
pub const BACKUP_DIR: &str = "backup.dir";
pub const BACKUP_KEEP: &str = "backup.keep";
/// The channels' refund windows under the hospital's contracts (`RefundWindows`' text): a
/// linked counter takes the platform's at login; unset, the standard contract.
pub const REFUND_WINDOWS: &str = "refund_windows";

/// The refund windows in force here (a value that does not read is the standard contract's:
/// only `RefundWindows`' own text is ever stored).
pub async fn refund_windows(conn: &mut SqliteConnection) -> Result<domain::account::refund_windows::RefundWindows> {
    let text = get(conn, REFUND_WINDOWS).await?;
    Ok(text.and_then(|t| domain::account::refund_windows::RefundWindows::parse(&t).ok()).unwrap_or_default())
}

pub async fn get(conn: &mut SqliteConnection, key: &str) -> Result<Option<String>> {
    Ok(sqlx::query_scalar("SELECT value FROM settings WHERE key = ?1").bind(key).fetch_optional(conn).await?)
}

pub async fn set(conn: &mut SqliteConnection, key: &str, value: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(key)
    .bind(value)
    .execute(conn)
    .await?;
    Ok(())
}

/// Every setting, by key (for the support desk's diagnostics, secrets left out by the caller).
pub async fn all(conn: &mut SqliteConnection) -> Result<Vec<(String, String)>> {
    Ok(sqlx::query_as("SELECT key, value FROM settings ORDER BY key").fetch_all(conn).await?)
}

/// One change made in 设置, as the settings screen lists it.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Change {
    pub key: String,
    pub before: Option<String>,
    pub after: String,
    pub by_user: String,
    pub at: String,
}

/// Sets `key` to `value` for `by` and records the change (`settings_changes`, append-only);
/// whether anything changed. Setting a value it already has records nothing.
pub async fn change(
    conn: &mut SqliteConnection,
    key: &str,
    value: &str,
    by: &str,
    at: chrono::NaiveDateTime,
) -> Result<bool> {
    let before = get(conn, key).await?;
    if before.as_deref() == Some(value) || (before.is_none() && value.is_empty()) {
        return Ok(false);
    }
    set(conn, key, value).await?;
    sqlx::query("INSERT INTO settings_changes (key, before, after, by_user, at) VALUES (?1, ?2, ?3, ?4, ?5)")
        .bind(key)
        .bind(before)
        .bind(value)
        .bind(by)
        .bind(crate::codec::time_text(at))
        .execute(conn)
        .await?;
    Ok(true)
}

/// The newest `limit` changes, newest first.
pub async fn changes(conn: &mut SqliteConnection, limit: u32) -> Result<Vec<Change>> {
    Ok(sqlx::query_as("SELECT key, before, after, by_user, at FROM settings_changes ORDER BY id DESC LIMIT ?1")
        .bind(limit)
        .fetch_all(conn)
        .await?)
}
