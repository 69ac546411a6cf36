//! The commands the frontend invokes. Each one parses its arguments, calls one use case and
//! converts the answer; no rule and no SQL lives here.

use contract::account::AccountView;
use contract::patient::PatientHit;
use contract::session::{LoginRequest, Session};
use contract::{ApiError, PrintOutcome, StartupStatus};
use tauri::State;

use crate::shell::Shell;

#[tauri::command]
pub fn startup_status(shell: State<'_, Shell>) -> StartupStatus {
    shell.status().clone()
}

#[tauri::command]
pub async fn log_in(shell: State<'_, Shell>, request: LoginRequest) -> Result<Session, ApiError> {
    let app = shell.app()?;
    let operator = app.log_in(&request).await?;
    let session = app.session(&operator);
    shell.set_operator(Some(operator));
    Ok(session)
}

#[tauri::command]
pub fn log_out(shell: State<'_, Shell>) {
    shell.set_operator(None);
}

#[tauri::command]
pub fn current_session(shell: State<'_, Shell>) -> Result<Session, ApiError> {
    let operator = shell.operator()?;
    Ok(shell.app()?.session(&operator))
}

#[tauri::command]
pub async fn find_patients(shell: State<'_, Shell>, query: String) -> Result<Vec<PatientHit>, ApiError> {
    shell.operator()?;
    Ok(shell.app()?.find_patients(&query).await?)
}

#[tauri::command]
pub async fn account(shell: State<'_, Shell>, case_no: String) -> Result<AccountView, ApiError> {
    shell.operator()?;
    Ok(shell.app()?.account(&case_no).await?)
}

#[tauri::command]
pub async fn print_statement(shell: State<'_, Shell>, case_no: String) -> Result<PrintOutcome, ApiError> {
    let operator = shell.operator()?;
    Ok(shell.app()?.print_statement(&operator, &case_no).await?)
}
