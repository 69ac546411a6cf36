//! Commands of 帮助与关于 (F1): the versions — this program's, its database's and, at a linked
//! counter, the platform's —, 导出诊断包 for the support desk, and 立即备份.

use contract::ApiError;
use contract::session::AboutView;
use tauri::State;

use crate::shell::Shell;

#[tauri::command]
pub async fn about(shell: State<'_, Shell>) -> Result<AboutView, ApiError> {
    let platform = shell.platform();
    let platform_version = match platform {
        Some(session) => session.client.version().await.ok(),
        None => None,
    };
    Ok(AboutView {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        schema: app::schema_version(),
        data_dir: shell.status().data_dir.clone(),
        platform_url: platform.map(|s| s.client.base_url().to_owned()),
        platform_version,
    })
}

/// Writes the diagnostics zip into the data folder's `exports/`; its path.
#[tauri::command]
pub async fn export_diagnostics(shell: State<'_, Shell>) -> Result<String, ApiError> {
    let operator = shell.operator()?;
    Ok(shell.app()?.export_diagnostics(&operator).await?.display().to_string())
}

/// 立即备份 (those who handle money or administer): the checked copy's path and size.
#[tauri::command]
pub async fn back_up_now(shell: State<'_, Shell>) -> Result<String, ApiError> {
    let operator = shell.operator()?;
    let app = shell.app()?;
    if !operator.role.may(domain::Permission::HandleMoney) {
        operator.require(domain::Permission::Administer).map_err(|e| e.to_api())?;
    }
    let checked = app.back_up().await?;
    Ok(format!("{}（{} KB，已校验）", checked.path.display(), checked.bytes / 1024))
}
