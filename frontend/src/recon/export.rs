//! 导出当前列表 with its progress and 取消导出: the export runs under a ticket; while it runs the
//! status line shows the stage the shell reports (读取明细, 生成 XLSX, 保存), and 取消导出 stops
//! it with nothing saved.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::Review;
use crate::desk::Level;
use crate::ipc;

const PROGRESS_EVERY: Duration = Duration::from_millis(300);

/// Tickets of this window's exports (each export its own).
static NEXT_TICKET: AtomicU64 = AtomicU64::new(1);

impl Review {
    pub fn export(&self) {
        if self.exporting.get_untracked() {
            return;
        }
        let ticket = NEXT_TICKET.fetch_add(1, Ordering::Relaxed);
        self.export_ticket.set_value(ticket);
        self.exporting.set(true);
        self.say("正在导出…", Level::Info);
        let review = *self;
        let filter = self.filter.get_untracked();
        let progress = set_interval_with_handle(
            move || {
                spawn_local(async move {
                    if let Ok(Some(stage)) = ipc::export_progress(ticket).await
                        && review.exporting.get_untracked()
                    {
                        review.say(format!("{stage}（可取消）"), Level::Info);
                    }
                });
            },
            PROGRESS_EVERY,
        )
        .ok();
        spawn_local(async move {
            let answer = ipc::recon_export(&filter, ticket).await;
            if let Some(handle) = progress {
                handle.clear();
            }
            review.exporting.set(false);
            match answer {
                Ok(saved) => review.say(format!("已导出 {} 条：{}", saved.rows, saved.path), Level::Done),
                Err(e) if e.code == "EXPORT_CANCELLED" => review.say(e.message, Level::Attention),
                Err(e) => review.fail(&e),
            }
        });
    }

    /// 取消导出: the export under way stops; its answer says so.
    pub fn cancel_export(&self) {
        let ticket = self.export_ticket.get_value();
        spawn_local(async move {
            let _ = ipc::cancel_export(ticket).await;
        });
    }
}
