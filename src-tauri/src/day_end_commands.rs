//! The 日结 commands: the operator's close (preview, make, cancel the latest, list, print),
//! finance's hand-in (the closes waiting, 缴款确认, its receipt) and the hospital's 住院日报 /
//! 月报 (figures, print, XLSX). The operator is the one logged in at the shell; each command
//! parses, calls one use case and converts.

use chrono::{Datelike, NaiveDate};
use contract::close::{
    CancelCloseRequest, CloseRequest, CloseView, DailyReport, HandInRequest, HandInView, MonthlyReport, WaitingClose,
};
use contract::{ApiError, PrintOutcome};
use tauri::State;

use crate::shell::Shell;

fn day(text: &str) -> Result<NaiveDate, ApiError> {
    text.trim().parse().map_err(|_| {
        ApiError::new("DATE_MALFORMED", format!("日期格式应为 YYYY-MM-DD：“{}”", text.trim())).on_field("day")
    })
}

fn month(text: &str) -> Result<(i32, u32), ApiError> {
    let first = NaiveDate::parse_from_str(&format!("{}-01", text.trim()), "%Y-%m-%d").map_err(|_| {
        ApiError::new("MONTH_MALFORMED", format!("月份格式应为 YYYY-MM：“{}”", text.trim())).on_field("month")
    })?;
    Ok((first.year(), first.month()))
}

/// 日结预览: nothing is written.
#[tauri::command]
pub async fn preview_close(shell: State<'_, Shell>, request: CloseRequest) -> Result<CloseView, ApiError> {
    let operator = shell.operator()?;
    Ok(shell.app()?.preview_close(&operator, &request).await?)
}

/// 日结.
#[tauri::command]
pub async fn close_day(shell: State<'_, Shell>, request: CloseRequest) -> Result<CloseView, ApiError> {
    let operator = shell.operator()?;
    Ok(shell.app()?.close_day(&operator, &request).await?)
}

/// 取消日结 (the latest, before finance collected it).
#[tauri::command]
pub async fn cancel_close(shell: State<'_, Shell>, request: CancelCloseRequest) -> Result<CloseView, ApiError> {
    let operator = shell.operator()?;
    Ok(shell.app()?.cancel_close(&operator, &request).await?)
}

/// The operator's closes, newest first.
#[tauri::command]
pub async fn my_closes(shell: State<'_, Shell>) -> Result<Vec<CloseView>, ApiError> {
    let operator = shell.operator()?;
    Ok(shell.app()?.my_closes(&operator).await?)
}

/// Prints the 收费员日报 of a close.
#[tauri::command]
pub async fn print_close(shell: State<'_, Shell>, close_no: String) -> Result<PrintOutcome, ApiError> {
    let operator = shell.operator()?;
    Ok(shell.app()?.print_close(&operator, &close_no).await?)
}

/// The closes waiting for finance.
#[tauri::command]
pub async fn waiting_closes(shell: State<'_, Shell>) -> Result<Vec<WaitingClose>, ApiError> {
    let operator = shell.operator()?;
    Ok(shell.app()?.waiting_closes(&operator).await?)
}

/// 缴款确认.
#[tauri::command]
pub async fn hand_in(shell: State<'_, Shell>, request: HandInRequest) -> Result<HandInView, ApiError> {
    let operator = shell.operator()?;
    Ok(shell.app()?.hand_in(&operator, &request).await?)
}

/// Prints the 缴款收据.
#[tauri::command]
pub async fn print_hand_in(shell: State<'_, Shell>, hand_in_no: String) -> Result<PrintOutcome, ApiError> {
    let operator = shell.operator()?;
    Ok(shell.app()?.print_hand_in(&operator, &hand_in_no).await?)
}

/// 住院日报 of a day (`YYYY-MM-DD`).
#[tauri::command]
pub async fn daily_report(shell: State<'_, Shell>, day: String) -> Result<DailyReport, ApiError> {
    let operator = shell.operator()?;
    Ok(shell.app()?.daily_report(&operator, self::day(&day)?).await?)
}

/// 住院月报 of a month (`YYYY-MM`).
#[tauri::command]
pub async fn monthly_report(shell: State<'_, Shell>, month: String) -> Result<MonthlyReport, ApiError> {
    let operator = shell.operator()?;
    let (year, month) = self::month(&month)?;
    Ok(shell.app()?.monthly_report(&operator, year, month).await?)
}

/// Prints the 日报 (`period` is a day) or the 月报 (a month).
#[tauri::command]
pub async fn print_day_end(shell: State<'_, Shell>, period: String) -> Result<PrintOutcome, ApiError> {
    let operator = shell.operator()?;
    let app = shell.app()?;
    if period.trim().len() > 7 {
        Ok(app.print_daily(&operator, day(&period)?).await?)
    } else {
        let (year, month) = month(&period)?;
        Ok(app.print_monthly(&operator, year, month).await?)
    }
}

/// Saves the 日报 or 月报 as XLSX; answers the file's path.
#[tauri::command]
pub async fn export_day_end(shell: State<'_, Shell>, period: String) -> Result<String, ApiError> {
    let operator = shell.operator()?;
    let app = shell.app()?;
    if period.trim().len() > 7 {
        Ok(app.export_day_end(&operator, Some(day(&period)?), None).await?)
    } else {
        Ok(app.export_day_end(&operator, None, Some(month(&period)?)).await?)
    }
}
