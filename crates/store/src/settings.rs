//! Counter settings kept in the database (hospital name, counter, demo flag).

use sqlx::SqliteConnection;

use crate::error::Result;

pub const HOSPITAL_NAME: &str = "hospital_name";
pub const COUNTER_NAME: &str = "counter_name";
pub const DEMO: &str = "demo";
/// The device id a platform gave this counter at registration: set, the counter is linked.
pub const DEVICE_ID: &str = "platform.device_id";

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
