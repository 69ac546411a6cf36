//! The 用血减免 commands: registering a donor's certificates with the pages captured for its
//! checklist, the entitlement while the clerk types, the review (the reviewer is the logged-in
//! operator; the app refuses their own registration), the pledge and the reimbursement form, and
//! the capture settings. Each parses, calls one use case and converts; captured pages wait in
//! `<data dir>/captures` until the registration keeps them.

use contract::blood::{RegisterBloodRequest, RegistrationView, ReviewBloodRequest};
use contract::blood_desk::{
    CaptureRequest, CaptureSettings, CaptureSetup, CapturedPage, EntitlementQuery, EntitlementView, RegistrationPage,
};
use contract::{ApiError, PrintOutcome};
use tauri::State;

use crate::shell::Shell;

/// The registrations of an admission, oldest first.
#[tauri::command]
pub async fn blood_registrations(shell: State<'_, Shell>, case_no: String) -> Result<Vec<RegistrationView>, ApiError> {
    shell.operator()?;
    Ok(shell.app()?.blood_registrations(&case_no).await?)
}

/// The registrations waiting for review, of every admission (reviewers only).
#[tauri::command]
pub async fn blood_waiting(shell: State<'_, Shell>) -> Result<Vec<RegistrationView>, ApiError> {
    let operator = shell.operator()?;
    Ok(shell.app()?.blood_waiting(&operator).await?)
}

#[tauri::command]
pub async fn blood_entitlement(shell: State<'_, Shell>, query: EntitlementQuery) -> Result<EntitlementView, ApiError> {
    shell.operator()?;
    Ok(shell.app()?.blood_entitlement(&query).await?)
}

#[tauri::command]
pub async fn register_blood(
    shell: State<'_, Shell>,
    request: RegisterBloodRequest,
) -> Result<RegistrationView, ApiError> {
    let operator = shell.operator()?;
    Ok(shell.app()?.register_blood(&operator, &request).await?)
}

#[tauri::command]
pub async fn review_blood(shell: State<'_, Shell>, request: ReviewBloodRequest) -> Result<RegistrationView, ApiError> {
    let operator = shell.operator()?;
    Ok(shell.app()?.review_blood(&operator, &request).await?)
}

/// A registration's pages with their thumbnails, shown beside its data.
#[tauri::command]
pub async fn blood_pages(shell: State<'_, Shell>, registration: i64) -> Result<Vec<RegistrationPage>, ApiError> {
    let operator = shell.operator()?;
    Ok(shell.app()?.blood_pages(&operator, registration).await?)
}

/// The pledge (承诺书) for the registration being filled in.
#[tauri::command]
pub async fn print_pledge(shell: State<'_, Shell>, request: RegisterBloodRequest) -> Result<PrintOutcome, ApiError> {
    let operator = shell.operator()?;
    Ok(shell.app()?.print_pledge(&operator, &request).await?)
}

/// The reimbursement form (用血报销单) of a registration a settlement deducted.
#[tauri::command]
pub async fn print_blood_form(shell: State<'_, Shell>, registration: i64) -> Result<PrintOutcome, ApiError> {
    let operator = shell.operator()?;
    Ok(shell.app()?.print_blood_form(&operator, registration).await?)
}

#[tauri::command]
pub async fn capture_setup(shell: State<'_, Shell>) -> Result<CaptureSetup, ApiError> {
    let operator = shell.operator()?;
    Ok(shell.app()?.capture_setup(&operator).await?)
}

#[tauri::command]
pub async fn save_capture_settings(
    shell: State<'_, Shell>,
    settings: CaptureSettings,
) -> Result<CaptureSetup, ApiError> {
    let operator = shell.operator()?;
    Ok(shell.app()?.save_capture_settings(&operator, &settings).await?)
}

/// One page from the configured scanner or camera folder (or the named file), with its thumbnail.
#[tauri::command]
pub async fn capture_page(shell: State<'_, Shell>, request: CaptureRequest) -> Result<CapturedPage, ApiError> {
    let operator = shell.operator()?;
    Ok(shell.app()?.capture_page(&operator, &request, &shell.captures_dir()).await?)
}

/// A captured page turned a quarter clockwise (a new page and handle).
#[tauri::command]
pub async fn rotate_page(shell: State<'_, Shell>, item: String, handle: String) -> Result<CapturedPage, ApiError> {
    let operator = shell.operator()?;
    Ok(shell.app()?.rotate_page(&operator, &item, &handle, &shell.captures_dir()).await?)
}
