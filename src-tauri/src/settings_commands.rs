//! Commands of 设置: the view, saving the printers / offsets / preview / place, saving the
//! platform's address and CA, and 打印测试页; and the first start's registration of a counter
//! without a database, after which the app starts again.

use contract::counter_settings::{CounterSettingsView, PlatformSettings, PrintSettings, RegisterCounter};
use contract::{ApiError, PrintOutcome};
use tauri::{AppHandle, State};

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

/// Registers this counter with its platform (the first start, no database yet; a demo never);
/// the device id. The platform checks the administrator's password and role.
#[tauri::command]
pub async fn register_counter(shell: State<'_, Shell>, request: RegisterCounter) -> Result<String, ApiError> {
    let status = shell.status();
    let unregistered = !status.demo && status.problem.as_ref().is_some_and(|p| p.code == "DB_MISSING");
    if !unregistered {
        return Err(ApiError::new(
            "COUNTER_EXISTS",
            "本机已有数据库，不能在此重新登记（请由信息科用 inpatient-cashier-cli device register 处理）",
        ));
    }
    let required = |value: &str, field: &'static str, label: &str| {
        if value.trim().is_empty() {
            Err(ApiError::new("REGISTER_FIELD_MISSING", format!("请填写{label}")).on_field(field))
        } else {
            Ok(())
        }
    };
    required(&request.url, "url", "平台地址")?;
    required(&request.ca_file, "ca_file", "CA 证书文件")?;
    required(&request.name, "name", "本机名称")?;
    required(&request.admin, "admin", "平台管理员用户名")?;
    required(&request.password, "password", "密码")?;
    let wards = request.wards.split([',', '，']).map(str::trim).filter(|w| !w.is_empty()).map(str::to_owned).collect();
    let asked = sync::counter::Registration {
        url: request.url.trim(),
        ca: std::path::Path::new(request.ca_file.trim()),
        admin: (request.admin.trim(), &request.password),
        name: request.name.trim(),
        place: request.place.trim(),
        wards,
    };
    let device = sync::counter::register(&shell.db_path(), &asked).await?;
    tracing::info!(%device, name = asked.name, "counter registered from its first start");
    Ok(device.to_string())
}

/// Starts the app again (after the registration: it opens linked).
#[tauri::command]
pub fn restart_app(handle: AppHandle) {
    handle.restart();
}

/// The window's first screen (the login, or what stands in its way) is painted: logged once per
/// start, the moment `scripts/bench-app.sh` measures the start-up by.
#[tauri::command]
pub fn window_painted() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| tracing::info!("window painted"));
}
