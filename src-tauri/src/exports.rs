//! Long exports the operator can watch and cancel: the screen names each export with a ticket
//! of its own, asks what stage it is at (`export_progress`) while it waits, and may cancel it
//! (`cancel_export`). A cancelled export stops at its next step and saves nothing (files are
//! written whole or not at all); the command answers `EXPORT_CANCELLED`.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use contract::ApiError;
use tauri::State;
use tokio::sync::Notify;

pub const EXPORT_CANCELLED: &str = "EXPORT_CANCELLED";

#[derive(Default)]
struct Running {
    stage: Mutex<String>,
    cancel: Notify,
}

/// The exports under way, by ticket.
#[derive(Default)]
pub struct Exports {
    running: Mutex<HashMap<u64, Arc<Running>>>,
}

/// What an export says about itself while it works.
#[derive(Clone)]
pub struct Progress(Arc<Running>);

impl Progress {
    pub fn say(&self, stage: impl Into<String>) {
        if let Ok(mut now) = self.0.stage.lock() {
            *now = stage.into();
        }
    }
}

impl Exports {
    /// Runs `work` under `ticket` until it ends or is cancelled.
    pub async fn run<T, F, Fut>(&self, ticket: u64, work: F) -> Result<T, ApiError>
    where
        F: FnOnce(Progress) -> Fut,
        Fut: Future<Output = Result<T, ApiError>>,
    {
        let running =
            Arc::new(Running { stage: Mutex::new("正在准备导出…".to_owned()), cancel: Notify::new() });
        if let Ok(mut all) = self.running.lock() {
            all.insert(ticket, running.clone());
        }
        let answer = tokio::select! {
            answer = work(Progress(running.clone())) => answer,
            () = running.cancel.notified() => {
                tracing::info!(ticket, "export cancelled by the operator");
                Err(ApiError::new(EXPORT_CANCELLED, "已取消导出，未保存文件"))
            }
        };
        if let Ok(mut all) = self.running.lock() {
            all.remove(&ticket);
        }
        answer
    }

    fn stage(&self, ticket: u64) -> Option<String> {
        let all = self.running.lock().ok()?;
        let running = all.get(&ticket)?;
        running.stage.lock().ok().map(|s| s.clone())
    }

    fn cancel(&self, ticket: u64) -> bool {
        let Ok(all) = self.running.lock() else { return false };
        match all.get(&ticket) {
            Some(running) => {
                running.cancel.notify_one();
                true
            }
            None => false,
        }
    }
}

/// The stage of export `ticket`; `None` once it has ended (or before it began).
#[tauri::command]
pub fn export_progress(exports: State<'_, Exports>, ticket: u64) -> Option<String> {
    exports.stage(ticket)
}

/// Cancels export `ticket`; whether it was still running.
#[tauri::command]
pub fn cancel_export(exports: State<'_, Exports>, ticket: u64) -> bool {
    exports.cancel(ticket)
}

/// `CASHIER_EXPORT_PAUSE_MS`: a pause at the start of each export, for the tests that cancel
/// one; compiled only into builds with the `fault-injection` feature.
#[cfg(feature = "fault-injection")]
pub async fn test_pause() {
    if let Some(ms) = std::env::var("CASHIER_EXPORT_PAUSE_MS").ok().and_then(|v| v.parse::<u64>().ok()) {
        tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
    }
}

#[cfg(not(feature = "fault-injection"))]
pub async fn test_pause() {}
