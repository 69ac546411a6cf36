//! The calls of long exports: the export itself under a ticket, its progress, and cancelling it.

use contract::ApiError;
use contract::recon::{ItemFilter, SavedFile};
use serde::Serialize;

use super::call;

#[derive(Serialize)]
struct ExportArgs<'a> {
    filter: &'a ItemFilter,
    ticket: u64,
}

#[derive(Serialize)]
struct TicketArgs {
    ticket: u64,
}

/// The reconciliation list shown, as XLSX in the exports folder, under `ticket`.
pub async fn recon_export(filter: &ItemFilter, ticket: u64) -> Result<SavedFile, ApiError> {
    call("recon_export", &ExportArgs { filter, ticket }).await
}

/// The stage of export `ticket`, `None` once it has ended.
pub async fn export_progress(ticket: u64) -> Result<Option<String>, ApiError> {
    call("export_progress", &TicketArgs { ticket }).await
}

/// Cancels export `ticket`; whether it was still running.
pub async fn cancel_export(ticket: u64) -> Result<bool, ApiError> {
    call("cancel_export", &TicketArgs { ticket }).await
}
