//! The confirmation step: the kind, the patient, the due or refund in figures and 大写, and
//! how it is paid; 确认结算 (Enter, or F9) settles.

use contract::ApiError;
use contract::cashier::TrialView;
use leptos::prelude::*;

use super::super::DialogError;
use super::super::tenders::{TenderRow, describe};

#[component]
pub fn SettleConfirm(
    view: TrialView,
    rows: RwSignal<Vec<TenderRow>>,
    error: RwSignal<Option<ApiError>>,
    /// A trial or the settlement is in flight: the confirm button waits.
    in_flight: Signal<bool>,
    on_back: Callback<()>,
    on_confirm: Callback<()>,
) -> impl IntoView {
    view! {
        <div class="confirm-figures" id="settle-confirmation">
            <div>{format!("{} · {}", view.kind.label, view.patient_name)}</div>
            <div>{view.due_label.clone()}</div>
            <div class="big num">{view.due.money().abs().yuan()}</div>
            <div class="words">{format!("大写：{}", view.due_words)}</div>
            <div class="muted">
                {rows.with_untracked(|r| describe(r))}
            </div>
        </div>
        <DialogError error=error/>
        <div class="dialog-actions">
            <button on:click=move |_| on_back.run(())>"返回修改"</button>
            <button class="primary" id="settle-confirm" data-autofocus="1" disabled=move || in_flight.get() on:click=move |_| on_confirm.run(())>
                "确认结算（Enter）"
            </button>
        </div>
    }
}
