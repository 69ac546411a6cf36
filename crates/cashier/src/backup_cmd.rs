//! `cashier backup`: a backup now (`backup now`, checked, the oldest beyond those kept removed),
//! the check of a backup file (`backup verify`), and restoring one with the counter closed
//! (`backup restore`, refused when it is behind the platform's feed or would lose operations not
//! yet acknowledged, unless `--force`). JSON on stdout.

use std::path::PathBuf;

use app::AppError;
use app::backup::Checked;
use clap::Subcommand;
use serde_json::json;

use crate::json;

#[derive(Subcommand)]
pub enum BackupCommand {
    /// Backs the database up now into its backup folder and checks the copy.
    Now {
        #[arg(long)]
        db: PathBuf,
    },
    /// Checks a backup file: it opens, is whole, and what it holds.
    Verify { file: PathBuf },
    /// Restores a backup as the database (the counter closed); the one replaced is kept beside it.
    Restore {
        #[arg(long)]
        db: PathBuf,
        file: PathBuf,
        /// Restore even a backup behind the platform's feed, or over operations not yet sent.
        #[arg(long)]
        force: bool,
    },
}

fn shown(checked: &Checked) -> serde_json::Value {
    let counts: serde_json::Map<String, serde_json::Value> =
        checked.counts.iter().map(|(t, n)| ((*t).to_owned(), json!(n))).collect();
    json!({
        "file": checked.path.display().to_string(),
        "bytes": checked.bytes,
        "schema": checked.schema,
        "cursor": checked.cursor,
        "counts": counts,
    })
}

/// Runs one `backup` command.
pub async fn run(command: BackupCommand) -> Result<(), AppError> {
    let out = match command {
        BackupCommand::Now { db } => {
            let app = crate::open(&db).await?;
            let checked = app.back_up().await?;
            app.store().close().await;
            shown(&checked)
        }
        BackupCommand::Verify { file } => shown(&app::backup::check(&file).await?),
        BackupCommand::Restore { db, file, force } => {
            let stamp = app::Clock::System.now().format("%Y%m%d-%H%M%S").to_string();
            let restored = app::backup::restore(&db, &file, force, &stamp).await?;
            let mut out = shown(&restored.from);
            out["kept_as"] = json!(restored.kept_as.map(|p| p.display().to_string()));
            out
        }
    };
    println!("{}", json(&out)?);
    Ok(())
}
