//! 对账复核 (finance, supervisors, administrators; F8 from the desk): a day's batches per channel
//! with a run's progress, the discrepancies with filters, the dialogs that assign a cause,
//! resolve an entry and decide a correction, the export of the list shown and the original
//! statements. The state lives as long as the workspace, so a run goes on polling in the
//! background while the cashier desk is shown, and its end is announced there too.

mod batches;
mod dialogs;
mod export;
mod items;
mod kinds;
mod view;

use std::time::Duration;

use contract::ApiError;
use contract::recon::{ItemFilter, ReconBatch, ReconItem, RunReconciliation, SETTLED_BATCH_STATUSES, is_day};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::desk::{Desk, Level, Notice};
use crate::ipc;
pub use kinds::{Basis, ReportFormat, ReviewDialog, RunState};
pub use view::ReconView;

/// How often a run's batches are asked for while any is queued or running.
const POLL_EVERY: Duration = Duration::from_secs(1);

/// The review's state, shared by its parts.
#[derive(Clone, Copy)]
pub struct Review {
    /// The review is shown instead of the cashier desk.
    pub open: RwSignal<bool>,
    /// The day field as typed.
    pub day: RwSignal<String>,
    /// The list's filter; its day is the day loaded.
    pub filter: RwSignal<ItemFilter>,
    pub batches: RwSignal<Vec<ReconBatch>>,
    pub items: RwSignal<Vec<ReconItem>>,
    pub loading: RwSignal<bool>,
    pub run: RwSignal<RunState>,
    pub exporting: RwSignal<bool>,
    /// The ticket of the export under way (the shell's name for it: progress, cancel).
    export_ticket: StoredValue<u64>,
    pub notice: RwSignal<Option<Notice>>,
    pub dialog: RwSignal<Option<ReviewDialog>>,
    /// The answer to the newest items request wins; older ones arriving late are dropped.
    items_asked: StoredValue<u64>,
    poll: StoredValue<Option<IntervalHandle>>,
    polling_now: StoredValue<bool>,
}

impl Review {
    /// A review starting on `day`.
    pub fn new(day: String) -> Review {
        Review {
            open: RwSignal::new(false),
            day: RwSignal::new(day.clone()),
            filter: RwSignal::new(ItemFilter { day, ..ItemFilter::default() }),
            batches: RwSignal::new(Vec::new()),
            items: RwSignal::new(Vec::new()),
            loading: RwSignal::new(false),
            run: RwSignal::new(RunState::Idle),
            exporting: RwSignal::new(false),
            export_ticket: StoredValue::new(0),
            notice: RwSignal::new(None),
            dialog: RwSignal::new(None),
            items_asked: StoredValue::new(0),
            poll: StoredValue::new(None),
            polling_now: StoredValue::new(false),
        }
    }

    pub fn say(&self, text: impl Into<String>, level: Level) {
        self.notice.set(Some(Notice { text: text.into(), level }));
    }

    pub fn fail(&self, error: &ApiError) {
        self.say(format!("{}（{}）", error.message, error.code), Level::Error);
    }

    pub fn close_dialog(&self) {
        self.dialog.set(None);
    }

    /// Loads the day typed (batches and list), keeping the other filters.
    pub fn load_day(&self) {
        let day = self.day.get_untracked().trim().to_owned();
        if !is_day(&day) {
            self.fail(&ApiError::new("RECON_BAD_DAY", "请输入正确的对账日期（年-月-日）"));
            return;
        }
        self.notice.set(None);
        if self.run.get_untracked() == RunState::Finished {
            self.run.set(RunState::Idle);
        }
        self.filter.update(|f| f.day = day);
        self.load_batches();
        self.load_items();
    }

    pub fn load_batches(&self) {
        let review = *self;
        let day = self.filter.get_untracked().day;
        spawn_local(async move {
            match ipc::recon_batches(&day).await {
                Ok(batches) if review.filter.get_untracked().day == day => review.batches.set(batches),
                Ok(_) => {}
                Err(e) => review.fail(&e),
            }
        });
    }

    /// Reloads the list with the current filter.
    pub fn load_items(&self) {
        let review = *self;
        let filter = self.filter.get_untracked();
        let asked = self.items_asked.get_value() + 1;
        self.items_asked.set_value(asked);
        self.loading.set(true);
        spawn_local(async move {
            let answer = ipc::recon_items(&filter).await;
            if review.items_asked.get_value() != asked {
                return;
            }
            review.loading.set(false);
            match answer {
                Ok(items) => review.items.set(items),
                Err(e) => {
                    review.items.set(Vec::new());
                    review.fail(&e);
                }
            }
        });
    }

    /// Changes one filter field (`None` = any) and reloads the list.
    pub fn refine(&self, change: impl FnOnce(&mut ItemFilter)) {
        self.filter.update(change);
        self.load_items();
    }

    /// Puts an item the platform answered with in place of the old one, and refreshes the
    /// batches' counts.
    pub fn replace(&self, item: ReconItem) {
        self.items.update(|items| {
            if let Some(slot) = items.iter_mut().find(|i| i.id == item.id) {
                *slot = item;
            }
        });
        self.load_batches();
    }

    /// Starts a run of the day typed and follows it until every batch is done, failed or
    /// waiting for its statement.
    pub fn start_run(&self, desk: Desk) {
        if self.run.get_untracked() == RunState::Running {
            return;
        }
        let day = self.day.get_untracked().trim().to_owned();
        if !is_day(&day) {
            self.fail(&ApiError::new("RECON_BAD_DAY", "请输入正确的对账日期（年-月-日）"));
            return;
        }
        self.filter.update(|f| f.day = day.clone());
        self.run.set(RunState::Running);
        self.say(format!("已提交 {day} 的对账，正在进行…"), Level::Info);
        let review = *self;
        spawn_local(async move {
            match ipc::recon_run(&RunReconciliation { day, channels: Vec::new() }).await {
                Ok(batches) => {
                    let settled = all_settled(&batches);
                    review.batches.set(batches);
                    if settled {
                        review.finish_run(desk);
                    } else {
                        review.follow_run(desk);
                    }
                }
                Err(e) => {
                    review.run.set(RunState::Idle);
                    review.fail(&e);
                }
            }
        });
    }

    fn follow_run(&self, desk: Desk) {
        self.stop_polling();
        let review = *self;
        let handle = set_interval_with_handle(move || review.poll_once(desk), POLL_EVERY);
        self.poll.set_value(handle.ok());
    }

    fn poll_once(&self, desk: Desk) {
        if self.polling_now.get_value() {
            return;
        }
        self.polling_now.set_value(true);
        let review = *self;
        let day = self.filter.get_untracked().day;
        spawn_local(async move {
            let answer = ipc::recon_batches(&day).await;
            review.polling_now.set_value(false);
            match answer {
                Ok(batches) => {
                    let settled = all_settled(&batches);
                    review.batches.set(batches);
                    if settled {
                        review.finish_run(desk);
                    }
                }
                Err(e) => {
                    review.stop_polling();
                    review.run.set(RunState::Idle);
                    review.fail(&e);
                }
            }
        });
    }

    fn finish_run(&self, desk: Desk) {
        self.stop_polling();
        self.run.set(RunState::Finished);
        let day = self.filter.get_untracked().day;
        let text = format!("{day} 对账完成{}", run_outcome(&self.batches.get_untracked()));
        self.say(text.clone(), Level::Done);
        if !self.open.get_untracked() {
            desk.say(text, Level::Done);
        }
        self.load_items();
    }

    pub fn stop_polling(&self) {
        if let Some(handle) = self.poll.get_value() {
            handle.clear();
        }
        self.poll.set_value(None);
    }

    pub fn download(&self, id: i64) {
        self.say("正在下载…", Level::Info);
        let review = *self;
        spawn_local(async move {
            match ipc::recon_download_statement(id).await {
                Ok(saved) => review.say(format!("已保存：{}", saved.path), Level::Done),
                Err(e) => review.fail(&e),
            }
        });
    }

    /// A finished batch's result and single-sided reports, as `format`.
    pub fn download_report(&self, day: &str, channel: &str, format: ReportFormat) {
        self.say("正在生成报表…", Level::Info);
        let review = *self;
        let (day, channel) = (day.to_owned(), channel.to_owned());
        spawn_local(async move {
            match ipc::recon_download_report(&day, &channel, format.code()).await {
                Ok(saved) => review.say(format!("已保存：{}", saved.path), Level::Done),
                Err(e) => review.fail(&e),
            }
        });
    }
}

/// Every batch is done, failed or waiting: nothing more happens without another run.
pub fn all_settled(batches: &[ReconBatch]) -> bool {
    batches.iter().all(|b| SETTLED_BATCH_STATUSES.contains(&b.status.code.as_str()))
}

/// `（1 个渠道等待对账单，1 个失败）`, or nothing when every batch is done.
fn run_outcome(batches: &[ReconBatch]) -> String {
    let count = |status: &str| batches.iter().filter(|b| b.status.code == status).count();
    let mut parts = Vec::new();
    if count("waiting") > 0 {
        parts.push(format!("{} 个渠道等待对账单", count("waiting")));
    }
    if count("failed") > 0 {
        parts.push(format!("{} 个渠道失败", count("failed")));
    }
    if parts.is_empty() { String::new() } else { format!("（{}）", parts.join("，")) }
}
