//! Commands of 设置: the view, saving the printers / offsets / preview / place, saving the
//! platform's address and CA, and 打印测试页.

use contract::counter_settings::{CounterSettingsView, PlatformSettings, PrintSettings};
use contract::{ApiError, PrintOutcome};
use tauri::State;

use crate::shell::Shell;

#[tauri::command]
pub async fn counter_settings(shell: State<'_, Shell>) -> Result<CounterSettingsView, ApiError> {
    let operator = shell.operator()?;
    Ok(shell.app()?.counter_settings(&operator).await?)
}

#[tauri::command]
pub async fn save_print_settings(
    shell: State<'_, Shell>,
    settings: PrintSettings,
) -> Result<CounterSettingsView, ApiError> {
    let operator = shell.operator()?;
    Ok(shell.app()?.save_print_settings(&operator, &settings).await?)
}

#[tauri::command]
pub async fn save_platform_settings(
    shell: State<'_, Shell>,
    settings: PlatformSettings,
) -> Result<CounterSettingsView, ApiError> {
    let operator = shell.operator()?;
    Ok(shell.app()?.save_platform_settings(&operator, &settings).await?)
}

#[tauri::command]
pub async fn print_test_page(shell: State<'_, Shell>, kind: String) -> Result<PrintOutcome, ApiError> {
    let operator = shell.operator()?;
    Ok(shell.app()?.print_test_page(&operator, &kind).await?)
}
