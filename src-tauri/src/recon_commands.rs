//! The reconciliation review's commands (对账复核): each checks who is asking (finance,
//! supervisor or administrator, at a counter linked to the platform), calls one step of
//! `sync::recon::Review` and answers in contract DTOs. Files go to `<data dir>/exports`; the export
//! runs under a ticket the screen watches and may cancel ([`crate::exports`]).

use contract::ApiError;
use contract::recon::{
    AssignCause, DecideCorrection, ItemFilter, ReconBatch, ReconItem, ResolveItem, RunReconciliation, SavedFile,
};
use tauri::State;

use crate::exports::Exports;
use crate::shell::Shell;

#[tauri::command]
pub async fn recon_batches(shell: State<'_, Shell>, day: String) -> Result<Vec<ReconBatch>, ApiError> {
    shell.review()?.batches(&day).await
}

#[tauri::command]
pub async fn recon_run(shell: State<'_, Shell>, request: RunReconciliation) -> Result<Vec<ReconBatch>, ApiError> {
    shell.review()?.run(&request).await
}

#[tauri::command]
pub async fn recon_items(shell: State<'_, Shell>, filter: ItemFilter) -> Result<Vec<ReconItem>, ApiError> {
    shell.review()?.items(&filter).await
}

#[tauri::command]
pub async fn recon_assign_cause(
    shell: State<'_, Shell>,
    id: String,
    request: AssignCause,
) -> Result<ReconItem, ApiError> {
    shell.review()?.assign_cause(&id, &request).await
}

#[tauri::command]
pub async fn recon_resolve(shell: State<'_, Shell>, id: String, request: ResolveItem) -> Result<ReconItem, ApiError> {
    shell.review()?.resolve(&id, &request).await
}

/// A supervisor's approval or rejection, with the supervisor's own credentials typed into the
/// dialog (checked online by the platform, never kept).
#[tauri::command]
pub async fn recon_decide(
    shell: State<'_, Shell>,
    id: String,
    supervisor: String,
    password: String,
    decision: DecideCorrection,
) -> Result<ReconItem, ApiError> {
    shell.review()?.decide(&id, &supervisor, &password, &decision).await
}

/// The list `filter` selects, as `对账差异-<day>.xlsx` in the exports folder.
#[tauri::command]
pub async fn recon_export(
    shell: State<'_, Shell>,
    exports: State<'_, Exports>,
    filter: ItemFilter,
    ticket: u64,
) -> Result<SavedFile, ApiError> {
    let review = shell.review()?;
    let dir = shell.exports_dir();
    exports
        .run(ticket, |progress| async move {
            crate::exports::test_pause().await;
            review.export(&filter, &dir, &move |stage| progress.say(stage)).await
        })
        .await
}

/// An original statement or platform ledger file, saved in the exports folder under its name.
#[tauri::command]
pub async fn recon_download_statement(shell: State<'_, Shell>, id: i64) -> Result<SavedFile, ApiError> {
    shell.review()?.download_statement(id, &shell.exports_dir()).await
}

/// A finished batch's result and single-sided reports (`format`: xlsx or pdf), saved in the
/// exports folder.
#[tauri::command]
pub async fn recon_download_report(
    shell: State<'_, Shell>,
    day: String,
    channel: String,
    format: String,
) -> Result<SavedFile, ApiError> {
    shell.review()?.download_report(&day, &channel, &format, &shell.exports_dir()).await
}
