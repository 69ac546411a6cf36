//! 导出诊断包: what the support desk needs in one zip — the logs of the data folder's `logs/`
//! (which name no patient and hold no token), the versions (program, database schema), the
//! counter's settings with anything secret left out, and the outbox's state (counts, and each
//! operation's key and outcome — not its records). Written to `exports/` beside the database.

use std::io::Write;
use std::path::{Path, PathBuf};

use domain::Permission;
use zip::write::SimpleFileOptions;

use crate::{App, AppError, Operator};

/// Setting keys whose value never leaves the counter.
fn secret(key: &str) -> bool {
    ["secret", "token", "password", "key"].iter().any(|word| key.to_ascii_lowercase().contains(word))
}

fn io(e: impl std::fmt::Display) -> AppError {
    AppError::Io(format!("诊断包写入失败：{e}"))
}

impl App {
    /// Writes the diagnostics zip; its path.
    pub async fn export_diagnostics(&self, operator: &Operator) -> Result<PathBuf, AppError> {
        if !operator.role.may(Permission::HandleMoney) && !operator.role.may(Permission::Administer) {
            operator.require(Permission::Administer)?;
        }
        let data_dir = self.store.path().parent().unwrap_or(Path::new(".")).to_path_buf();
        let mut conn = self.store.conn().await?;
        let settings: Vec<(String, String)> = store::settings::all(&mut conn).await?;
        let outbox = store::outbox::all(&mut conn).await?;
        let (waiting, failed, refused) = (
            store::outbox::waiting(&mut conn).await?,
            store::outbox::failed_count(&mut conn).await?,
            store::outbox::refused_count(&mut conn).await?,
        );
        drop(conn);
        let shown: serde_json::Map<String, serde_json::Value> = settings
            .into_iter()
            .map(|(k, v)| {
                let value = if secret(&k) { "（已隐去）".to_owned() } else { v };
                (k, serde_json::Value::String(value))
            })
            .collect();
        let versions = format!(
            "住院收费客户端 {}\n数据库版本 {}\n生成时间 {}\n操作员 {}\n",
            env!("CARGO_PKG_VERSION"),
            store::open::latest_version(),
            self.clock.now().format("%Y-%m-%d %H:%M:%S"),
            operator.username,
        );
        let outbox = serde_json::json!({
            "waiting": waiting, "failed": failed, "refused": refused,
            "operations": outbox.iter().map(|(key, outcome)| serde_json::json!({"key": key, "outcome": outcome})).collect::<Vec<_>>(),
        });
        let dir = data_dir.join("exports");
        std::fs::create_dir_all(&dir).map_err(io)?;
        let path = dir.join(format!("诊断包-{}.zip", self.clock.now().format("%Y%m%d-%H%M%S")));
        let file = std::fs::File::create(&path).map_err(io)?;
        let mut zip = zip::ZipWriter::new(file);
        let options = SimpleFileOptions::default();
        let mut put = |name: &str, bytes: &[u8]| -> Result<(), AppError> {
            zip.start_file(name, options).map_err(io)?;
            zip.write_all(bytes).map_err(io)
        };
        put("versions.txt", versions.as_bytes())?;
        put("settings.json", serde_json::to_string_pretty(&shown).map_err(io)?.as_bytes())?;
        put("outbox.json", serde_json::to_string_pretty(&outbox).map_err(io)?.as_bytes())?;
        let mut logs: Vec<PathBuf> =
            std::fs::read_dir(data_dir.join("logs")).into_iter().flatten().flatten().map(|e| e.path()).collect();
        logs.sort();
        for log in logs.iter().filter(|p| p.is_file()) {
            let name = format!("logs/{}", log.file_name().and_then(|n| n.to_str()).unwrap_or("log"));
            put(&name, &std::fs::read(log).map_err(io)?)?;
        }
        zip.finish().map_err(io)?;
        tracing::info!(file = %path.display(), by = %operator.username, "diagnostics exported");
        Ok(path)
    }
}
