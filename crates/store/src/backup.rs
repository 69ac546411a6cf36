//! Backups of the counter's database: an online copy (`VACUUM INTO`: one consistent snapshot,
//! taken while the counter keeps working) and the check every backup gets before it counts — the
//! file opened read-only, `PRAGMA integrity_check`, the schema version this program knows, the
//! rows of the money tables counted, and how far it had pulled the platform's feed.

use std::path::{Path, PathBuf};

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};
use thiserror::Error;

use crate::open::{Store, latest_version};
use crate::settings;

/// The tables whose rows a check counts (money and what a counter must never lose).
pub const COUNTED: [&str; 5] = ["admissions", "deposits", "settlements", "fee_items", "outbox"];

/// What a backup holds, once checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checked {
    pub path: PathBuf,
    pub bytes: u64,
    pub schema: i64,
    /// Rows of [`COUNTED`], in its order.
    pub counts: Vec<(&'static str, i64)>,
    /// The platform feed's cursor it had reached (0: never pulled, or stand-alone).
    pub cursor: i64,
}

#[derive(Debug, Error)]
pub enum BackupError {
    #[error("备份文件 {0} 已存在")]
    Exists(PathBuf),
    #[error("备份文件 {path} 已损坏：{detail}")]
    Corrupt { path: PathBuf, detail: String },
    #[error("备份文件 {path} 的数据库版本 {found} 比本程序支持的 {supported} 新")]
    Newer { path: PathBuf, found: i64, supported: i64 },
    #[error("无法写入备份 {path}：{detail}")]
    Write { path: PathBuf, detail: String },
}

impl BackupError {
    pub fn code(&self) -> &'static str {
        match self {
            BackupError::Exists(_) | BackupError::Write { .. } => "BACKUP_WRITE_FAILED",
            BackupError::Corrupt { .. } => "BACKUP_CORRUPT",
            BackupError::Newer { .. } => "BACKUP_NEWER_SCHEMA",
        }
    }
}

/// Writes a consistent copy of `store` to `to` (which must not exist yet).
pub async fn write(store: &Store, to: &Path) -> Result<(), BackupError> {
    if to.exists() {
        return Err(BackupError::Exists(to.to_owned()));
    }
    let failed = |detail: String| BackupError::Write { path: to.to_owned(), detail };
    let mut conn = store.conn().await.map_err(|e| failed(e.to_string()))?;
    sqlx::query("VACUUM INTO ?1")
        .bind(to.to_string_lossy().into_owned())
        .execute(&mut *conn)
        .await
        .map_err(|e| failed(e.to_string()))?;
    Ok(())
}

/// Opens `path` read-only and checks it whole; what it holds.
pub async fn check(path: &Path) -> Result<Checked, BackupError> {
    let corrupt = |detail: String| BackupError::Corrupt { path: path.to_owned(), detail };
    let bytes = std::fs::metadata(path).map_err(|e| corrupt(e.to_string()))?.len();
    let options = SqliteConnectOptions::new().filename(path).read_only(true).immutable(true);
    let mut conn = options.connect().await.map_err(|e| corrupt(e.to_string()))?;
    let verdict: Vec<String> =
        sqlx::query_scalar("PRAGMA integrity_check").fetch_all(&mut conn).await.map_err(|e| corrupt(e.to_string()))?;
    if verdict != ["ok"] {
        return Err(corrupt(verdict.join("；")));
    }
    let schema: i64 = sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations")
        .fetch_one(&mut conn)
        .await
        .map_err(|e| corrupt(e.to_string()))?;
    if schema > latest_version() {
        return Err(BackupError::Newer { path: path.to_owned(), found: schema, supported: latest_version() });
    }
    let mut counts = Vec::with_capacity(COUNTED.len());
    for table in COUNTED {
        let sql = format!("SELECT count(*) FROM {table}");
        let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .fetch_one(&mut conn)
            .await
            .map_err(|e| corrupt(e.to_string()))?;
        counts.push((table, n));
    }
    let cursor = settings::get(&mut conn, settings::PULL_CURSOR)
        .await
        .map_err(|e| corrupt(e.to_string()))?
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    conn.close().await.map_err(|e| corrupt(e.to_string()))?;
    Ok(Checked { path: path.to_owned(), bytes, schema, counts, cursor })
}
