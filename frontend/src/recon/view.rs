//! The review screen: the day and the run in the toolbar, the run's progress, the batches, the
//! filters and the discrepancies, the export and the status line, and the open dialog.

use leptos::html::Input;
use leptos::prelude::*;

use super::batches::{BatchTable, RunProgress};
use super::dialogs::{CauseDialog, DecideDialog, ResolveDialog};
use super::items::{Filters, ItemTable};
use super::{Review, ReviewDialog, RunState};
use crate::desk::Desk;

/// The review screen, shown in place of the cashier desk's work area and action bar.
#[component]
pub fn ReconView(review: Review) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let day_input: NodeRef<Input> = NodeRef::new();
    Effect::new(move |_| {
        if let Some(input) = day_input.get() {
            request_animation_frame(move || {
                let _ = input.focus();
            });
        }
    });
    // Opening the review shows the day's state at once.
    review.load_batches();
    review.load_items();

    let summary = move || {
        let items = review.items.get();
        let open = items.iter().filter(|i| contract::recon::needs_handling(&i.state.code)).count();
        format!("共 {} 条，未处理 {} 条", items.len(), open)
    };
    let running = move || review.run.get() == RunState::Running;
    view! {
        <main class="work recon" id="recon-view">
            <div class="recon-toolbar">
                <span class="pane-heading">"对账复核"</span>
                <label for="recon-day">"对账日期"</label>
                <input
                    id="recon-day"
                    type="date"
                    node_ref=day_input
                    prop:value=move || review.day.get()
                    on:input=move |ev| review.day.set(event_target_value(&ev))
                    on:change=move |ev| review.day.set(event_target_value(&ev))
                    on:keydown=move |ev| {
                        if ev.key() == "Enter" {
                            ev.prevent_default();
                            review.day.set(event_target_value(&ev));
                            review.load_day();
                        }
                    }
                />
                <button id="recon-load" on:click=move |_| review.load_day()>"查询（Enter）"</button>
                <button id="recon-run" class="primary" disabled=running on:click=move |_| review.start_run(desk)>
                    {move || if running() { "对账中…" } else { "开始对账" }}
                </button>
                <span class="spacer"></span>
                <button id="recon-close" on:click=move |_| review.open.set(false)>"返回收费（Esc / F8）"</button>
            </div>
            <RunProgress review=review/>
            <BatchTable review=review/>
            <Filters review=review/>
            <div class="recon-summary" id="recon-summary">
                {summary}
                <Show when=move || review.loading.get()>
                    <span class="muted">" 正在加载…"</span>
                </Show>
            </div>
            <ItemTable review=review/>
        </main>
        <footer class="action-bar">
            <button id="recon-export" disabled=move || review.exporting.get() on:click=move |_| review.export()>
                "导出当前列表"
            </button>
            <Show when=move || review.exporting.get()>
                <button id="recon-export-cancel" on:click=move |_| review.cancel_export()>"取消导出"</button>
            </Show>
            <span class="spacer"></span>
            <span
                id="recon-notice"
                class=move || review.notice.with(|n| n.as_ref().map(|n| n.class()).unwrap_or_default())
            >
                {move || review.notice.get().map(|n| n.text)}
            </span>
        </footer>
        {move || review.dialog.get().map(|dialog| match dialog {
            ReviewDialog::Cause(item) => view! { <CauseDialog review=review item=item/> }.into_any(),
            ReviewDialog::Resolve(item, basis) => view! { <ResolveDialog review=review item=item basis=basis/> }.into_any(),
            ReviewDialog::Decide(item) => view! { <DecideDialog review=review item=item/> }.into_any(),
        })}
    }
}
