//! 备份: the counter backs its database up — at the start of each business day (the first open
//! of the day) and on demand — into a folder (`backup.dir`, default `backups/` beside the
//! database), keeps the newest `backup.keep` (14), and checks each one before it counts
//! (`store::backup::check`). Restoring is done with the counter closed (`cashier backup
//! restore`): the backup is checked, and one older than this counter's place in the platform's
//! feed, or a database with operations the platform has not acknowledged, is refused unless the
//! operator insists (`--force`): those would be lost or pulled again. The database replaced is
//! kept beside it.

use std::path::{Path, PathBuf};

use store::backup::BackupError;
pub use store::backup::Checked;
use store::{OpenMode, Store, settings};

use crate::{App, AppError};

/// Backups are `cashier-YYYYMMDD-HHMMSS.db`; nothing else in the folder is ever removed.
const PREFIX: &str = "cashier-";
const DEFAULT_KEEP: usize = 14;

impl From<BackupError> for AppError {
    fn from(error: BackupError) -> AppError {
        AppError::Rule { code: error.code(), message: error.to_string() }
    }
}

/// The backups in `dir`, oldest first (by when written; two of one second carry a number).
pub fn backups_in(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with(PREFIX) && n.ends_with(".db")))
        .collect();
    found.sort_by_cached_key(|p| (std::fs::metadata(p).and_then(|m| m.modified()).ok(), p.clone()));
    found
}

impl App {
    async fn backup_place(&self) -> Result<(PathBuf, usize), AppError> {
        let mut conn = self.store.conn().await?;
        let dir = settings::get(&mut conn, settings::BACKUP_DIR).await?;
        let keep = settings::get(&mut conn, settings::BACKUP_KEEP).await?.and_then(|k| k.parse().ok());
        let beside = self.store.path().parent().unwrap_or(Path::new(".")).join("backups");
        Ok((dir.map_or(beside, PathBuf::from), keep.unwrap_or(DEFAULT_KEEP).max(1)))
    }

    /// Backs up now, checks the copy, and removes the oldest beyond the number kept.
    pub async fn back_up(&self) -> Result<Checked, AppError> {
        let (dir, keep) = self.backup_place().await?;
        std::fs::create_dir_all(&dir)
            .map_err(|e| AppError::Io(format!("无法创建备份文件夹 {}：{e}", dir.display())))?;
        let stamp = self.clock.now().format("%Y%m%d-%H%M%S").to_string();
        // Two within a second (on demand right after the day's): the second is numbered.
        let path = (1..)
            .map(|n| dir.join(if n == 1 { format!("{PREFIX}{stamp}.db") } else { format!("{PREFIX}{stamp}-{n}.db") }))
            .find(|p| !p.exists())
            .unwrap_or_else(|| dir.join(format!("{PREFIX}{stamp}.db")));
        store::backup::write(&self.store, &path).await?;
        let checked = match store::backup::check(&path).await {
            Ok(checked) => checked,
            Err(e) => {
                // A copy that does not check out is no backup: it goes, and the failure is said.
                let _ = std::fs::remove_file(&path);
                return Err(e.into());
            }
        };
        let all = backups_in(&dir);
        for old in all.iter().take(all.len().saturating_sub(keep)) {
            if let Err(e) = std::fs::remove_file(old) {
                tracing::warn!(file = %old.display(), error = %e, "an old backup not removed");
            }
        }
        tracing::info!(file = %path.display(), bytes = checked.bytes, "database backed up and checked");
        Ok(checked)
    }

    /// The start of the day's backup: made when the folder has none of today yet.
    pub async fn back_up_if_due(&self) -> Result<Option<Checked>, AppError> {
        let (dir, _) = self.backup_place().await?;
        let today = format!("{PREFIX}{}", self.clock.now().format("%Y%m%d"));
        let done = backups_in(&dir)
            .iter()
            .any(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with(&today)));
        if done { Ok(None) } else { self.back_up().await.map(Some) }
    }
}

/// Checks the backup file `path` (it opens, is whole, what it holds).
pub async fn check(path: &Path) -> Result<Checked, AppError> {
    Ok(store::backup::check(path).await?)
}

/// What a restore did.
#[derive(Debug)]
pub struct Restored {
    pub from: Checked,
    /// Where the database it replaced was kept (none when there was none).
    pub kept_as: Option<PathBuf>,
}

/// Restores `backup` as the database `db` (the counter must be closed). Refuses a backup that
/// does not check out; without `force`, also one behind the counter's place in the platform's
/// feed, or when the database holds operations the platform has not acknowledged.
pub async fn restore(db: &Path, backup: &Path, force: bool, stamp: &str) -> Result<Restored, AppError> {
    let from = store::backup::check(backup).await?;
    let mut kept_as = None;
    if db.exists() {
        let store = Store::open(db, OpenMode::MustExist).await?;
        let mut conn = store.conn().await?;
        let cursor: i64 =
            settings::get(&mut conn, settings::PULL_CURSOR).await?.and_then(|c| c.parse().ok()).unwrap_or(0);
        // Only a linked counter's operations wait for the platform's acknowledgement.
        let linked = settings::get(&mut conn, settings::DEVICE_ID).await?.is_some();
        let unsent = if linked { store::outbox::unacknowledged(&mut conn).await? } else { 0 };
        drop(conn);
        store.close().await;
        if !force && from.cursor < cursor {
            return Err(AppError::Rule {
                code: "BACKUP_BEHIND_PLATFORM",
                message: format!(
                    "备份同步到平台记录 {}，本机已同步到 {cursor}：恢复后其间的记录将重新从平台拉取。确认恢复请加 --force",
                    from.cursor
                ),
            });
        }
        if !force && unsent > 0 {
            return Err(AppError::Rule {
                code: "BACKUP_LOSES_UNSENT",
                message: format!(
                    "本机尚有 {unsent} 笔操作未被平台确认，恢复备份会丢失它们。请先联网同步；确认恢复请加 --force"
                ),
            });
        }
        let aside = db.with_file_name(format!(
            "{}.before-restore-{stamp}",
            db.file_name().and_then(|n| n.to_str()).unwrap_or("cashier.db")
        ));
        std::fs::rename(db, &aside).map_err(|e| AppError::Io(format!("无法移开 {}：{e}", db.display())))?;
        for suffix in ["-wal", "-shm"] {
            let side = PathBuf::from(format!("{}{suffix}", db.display()));
            if side.exists() {
                let _ = std::fs::rename(&side, PathBuf::from(format!("{}{suffix}", aside.display())));
            }
        }
        kept_as = Some(aside);
    }
    std::fs::copy(backup, db).map_err(|e| AppError::Io(format!("无法写入 {}：{e}", db.display())))?;
    // The copy opens as a database of this program (migrations, the write probe) before it counts.
    Store::open(db, OpenMode::MustExist).await?.close().await;
    tracing::info!(from = %backup.display(), to = %db.display(), "database restored from a backup");
    Ok(Restored { from, kept_as })
}
