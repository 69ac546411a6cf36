//! Opening the local database: safe pragmas, embedded migrations, and a clear refusal —
//! never a panic and never an overwrite — when the file is locked, corrupt or too new.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::migrate::{MigrateError, Migrator};
use sqlx::pool::PoolConnection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, Transaction};
use thiserror::Error;

use crate::error::Result;

static MIGRATOR: Migrator = sqlx::migrate!("../../migrations");

/// The local cache, shared by every use case of the process.
#[derive(Clone, Debug)]
pub struct Store {
    pool: SqlitePool,
    path: PathBuf,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpenMode {
    /// Create an empty database when the file does not exist (demo mode, `demo seed`).
    CreateIfMissing,
    /// The file must already exist (a configured counter: nothing is invented).
    MustExist,
}

/// Why the database cannot be used. Each says what to do, in the cashier's language.
#[derive(Debug, Error)]
pub enum OpenError {
    #[error("找不到本地数据库文件：{0}。请检查配置，或联系信息科")]
    Missing(PathBuf),
    #[error("本地数据库正被其他程序占用（可能已打开另一个收费程序）：{0}。请关闭后重试")]
    Locked(PathBuf),
    #[error("本地数据库文件已损坏，无法打开：{path}（文件未做任何改动）。请联系信息科恢复备份。详情：{detail}")]
    Corrupt { path: PathBuf, detail: String },
    #[error("本地数据库版本（{found}）比本程序支持的版本（{supported}）新：{path}。请升级收费程序后再打开")]
    NewerSchema { path: PathBuf, found: i64, supported: i64 },
    #[error("无法打开本地数据库 {path}：{detail}")]
    Other { path: PathBuf, detail: String },
}

impl OpenError {
    pub fn code(&self) -> &'static str {
        match self {
            OpenError::Missing(_) => "DB_MISSING",
            OpenError::Locked(_) => "DB_LOCKED",
            OpenError::Corrupt { .. } => "DB_CORRUPT",
            OpenError::NewerSchema { .. } => "DB_NEWER_SCHEMA",
            OpenError::Other { .. } => "DB_UNAVAILABLE",
        }
    }
}

/// SQLite primary result codes we tell apart.
const SQLITE_BUSY: i32 = 5;
const SQLITE_LOCKED: i32 = 6;
const SQLITE_CORRUPT: i32 = 11;
const SQLITE_NOTADB: i32 = 26;

impl Store {
    pub async fn open(path: &Path, mode: OpenMode) -> Result<Store, OpenError> {
        let exists = path.exists();
        if !exists && mode == OpenMode::MustExist {
            return Err(OpenError::Missing(path.to_owned()));
        }
        // The file holds patients and money: readable by this user only. SQLite gives the -wal
        // and -shm files the database file's mode, so creating it 0600 covers all three.
        if exists {
            // Not a refusal: a file this user may use but not chmod (another owner) still opens.
            if let Err(error) = restrict_existing(path) {
                tracing::warn!(file = %path.display(), %error, "could not restrict the local database to 0600");
            }
        } else {
            create_private(path).map_err(|e| OpenError::Other { path: path.to_owned(), detail: e.to_string() })?;
        }
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(!exists)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_millis(1500));
        let classify = |error: sqlx::Error| classify(path, error);
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .min_connections(1)
            .connect_with(options)
            .await
            .map_err(classify)?;
        let store = Store { pool, path: path.to_owned() };
        store.check_schema_version().await?;
        MIGRATOR.run(&store.pool).await.map_err(|e| match e {
            MigrateError::Execute(error) | MigrateError::ExecuteMigration(error, _) => classify(error),
            MigrateError::VersionMissing(found) => {
                OpenError::NewerSchema { path: path.to_owned(), found, supported: latest_version() }
            }
            other => OpenError::Corrupt { path: path.to_owned(), detail: other.to_string() },
        })?;
        store.probe_write().await?;
        Ok(store)
    }

    /// Refuses a database written by a newer program before any migration could touch it.
    async fn check_schema_version(&self) -> Result<(), OpenError> {
        let classify = |error: sqlx::Error| classify(&self.path, error);
        let has_table: Option<i64> =
            sqlx::query_scalar("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'")
                .fetch_optional(&self.pool)
                .await
                .map_err(classify)?;
        if has_table.is_none() {
            return Ok(());
        }
        let found: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations")
            .fetch_one(&self.pool)
            .await
            .map_err(classify)?;
        let supported = latest_version();
        match found {
            Some(found) if found > supported => {
                Err(OpenError::NewerSchema { path: self.path.clone(), found, supported })
            }
            _ => Ok(()),
        }
    }

    /// Takes and releases the write lock once, so a database another process holds is
    /// reported at start, not at the first payment.
    async fn probe_write(&self) -> Result<(), OpenError> {
        let classify = |error: sqlx::Error| classify(&self.path, error);
        let mut conn = self.pool.acquire().await.map_err(classify)?;
        sqlx::query("BEGIN IMMEDIATE").execute(&mut *conn).await.map_err(classify)?;
        sqlx::query("ROLLBACK").execute(&mut *conn).await.map_err(classify)?;
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub async fn conn(&self) -> Result<PoolConnection<Sqlite>> {
        Ok(self.pool.acquire().await?)
    }

    /// A write transaction. SQLite's `BEGIN` is deferred; writers that read first should
    /// call [`Store::begin_immediate`] to take the write lock up front.
    pub async fn begin(&self) -> Result<Transaction<'static, Sqlite>> {
        Ok(self.pool.begin().await?)
    }

    /// A transaction holding the write lock from its first statement, so a read-then-write
    /// use case cannot interleave with another writer.
    pub async fn begin_immediate(&self) -> Result<Transaction<'static, Sqlite>> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }

    /// Closes the pool after moving the write-ahead log into the database file, so the file is
    /// whole on its own the moment this returns (a backup or a copy needs nothing beside it):
    /// SQLite's own checkpoint at the last connection's close happens on sqlx's worker thread,
    /// possibly after `close` returned.
    pub async fn close(&self) {
        if let Ok(mut conn) = self.pool.acquire().await
            && let Err(e) = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&mut *conn).await
        {
            tracing::warn!(error = %e, "write-ahead log not checkpointed at close");
        }
        self.pool.close().await;
    }
}

/// The newest migration this program carries.
pub fn latest_version() -> i64 {
    MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0)
}

/// Creates the empty database file readable and writable by its owner only (SQLite takes an
/// empty file as an empty database).
fn create_private(path: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).map(drop)
}

/// Tightens an existing database (and its -wal / -shm) to 0600 when group or others may read
/// it, and says so in the log.
#[cfg(unix)]
fn restrict_existing(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mut files = vec![path.to_owned()];
    for suffix in ["-wal", "-shm"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        files.push(PathBuf::from(name));
    }
    for file in files {
        let Ok(meta) = std::fs::metadata(&file) else { continue };
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600))?;
            tracing::warn!(file = %file.display(), was = format!("{mode:o}"), "local database was readable by others: now 0600");
        }
    }
    Ok(())
}

#[cfg(not(unix))]
fn restrict_existing(_path: &Path) -> std::io::Result<()> {
    Ok(())
}

fn classify(path: &Path, error: sqlx::Error) -> OpenError {
    let code = match &error {
        sqlx::Error::Database(db) => db.code().and_then(|c| i32::from_str(&c).ok()).map(|c| c & 0xff),
        _ => None,
    };
    match code {
        Some(SQLITE_BUSY | SQLITE_LOCKED) => OpenError::Locked(path.to_owned()),
        Some(SQLITE_CORRUPT | SQLITE_NOTADB) => OpenError::Corrupt { path: path.to_owned(), detail: error.to_string() },
        _ => OpenError::Other { path: path.to_owned(), detail: error.to_string() },
    }
}
