//! F5 试算 / F9 结算, one component per step: the trial's figures with the tenders or refund
//! routes that must add up exactly ([`trial`]), a confirmation ([`confirm`]), then the
//! settlement number and its printed statement ([`done`]). Each trial asks for a fresh
//! operation key; every try of the settlement confirmed after it is sent with that key.

mod confirm;
mod done;
mod trial;

use contract::ApiError;
use contract::cashier::{SettleRequest, SettlementView, TrialRequest, TrialView};
use contract::tender::CASH;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::tenders::{TenderRow, inputs, total};
use super::{DialogError, Modal, Steps};
use crate::desk::{Desk, Level, SettleKind};
use crate::ipc;
use confirm::SettleConfirm;
use done::SettleDone;
use trial::TrialStep;

#[derive(Clone, Debug, PartialEq)]
enum Step {
    Trial,
    Confirm,
    Done(Box<SettlementView>),
}

/// The rows a trial starts the cashier with: the due in cash, or the suggested refund routes.
fn prefill(view: &TrialView) -> Vec<TenderRow> {
    let due = view.due.money();
    if due.is_positive() {
        vec![TenderRow::new(0, CASH, due.to_string())]
    } else {
        view.refund_suggestion
            .iter()
            .enumerate()
            .map(|(i, t)| TenderRow::new(i, &t.tender.code, t.amount.to_string()))
            .collect()
    }
}

#[component]
pub fn SettleDialog(kind: SettleKind) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let case_no = desk.case_no().unwrap_or_default();
    let kind = RwSignal::new(kind);
    let trial: RwSignal<Option<TrialView>> = RwSignal::new(None);
    let key: RwSignal<Option<String>> = RwSignal::new(None);
    let rows: RwSignal<Vec<TenderRow>> = RwSignal::new(Vec::new());
    let received = RwSignal::new(String::new());
    let steps = Steps::new(Step::Trial);
    let error: RwSignal<Option<ApiError>> = RwSignal::new(None);

    let trying = Action::new_local(move |request: &TrialRequest| {
        let request = request.clone();
        async move {
            // A fresh key for each trial the cashier may confirm: nothing was committed under the last.
            if let Ok(k) = ipc::operation_key().await {
                key.set(Some(k));
            }
            match ipc::trial(&request).await {
                Ok(view) => {
                    rows.set(prefill(&view));
                    received.set(String::new());
                    error.set(None);
                    trial.set(Some(view));
                }
                Err(e) => {
                    trial.set(None);
                    error.set(Some(e));
                }
            }
            steps.go(Step::Trial);
        }
    });
    let settling = Action::new_local(move |request: &SettleRequest| {
        let request = request.clone();
        async move {
            match ipc::settle(&request).await {
                Ok(settled) => {
                    desk.refresh();
                    let number = settled.settlement_no.clone();
                    steps.go(Step::Done(Box::new(settled)));
                    match ipc::print_settlement(&request.case_no, &number).await {
                        Ok(out) => desk
                            .say(format!("结算单 {number} 已打印（{}）", out.printer.unwrap_or(out.path)), Level::Done),
                        Err(e) => desk.fail(&e),
                    }
                }
                Err(e) => {
                    error.set(Some(e));
                    steps.go(Step::Trial);
                }
            }
        }
    });
    let (trying_now, settling_now) = (trying.pending(), settling.pending());
    let in_flight = Signal::derive(move || trying_now.get() || settling_now.get());

    let case_value = StoredValue::new(case_no.clone());
    let run_trial = Callback::new(move |()| {
        trying.dispatch_local(TrialRequest {
            case_no: case_value.get_value(),
            kind: kind.get_untracked().code().to_owned(),
        });
    });
    run_trial.run(());

    let next = Callback::new(move |()| {
        let Some(view) = trial.get_untracked() else { return };
        let due = view.due.money().abs();
        match rows.with_untracked(|r| total(r)) {
            Ok(sum) if sum == due || (due.is_zero() && rows.with_untracked(Vec::is_empty)) => {
                error.set(None);
                steps.go(Step::Confirm);
            }
            Ok(sum) => error.set(Some(ApiError::new(
                "TENDER_SUM_MISMATCH",
                format!("各支付方式合计 {} 与{} {} 不符", sum.yuan(), view.due_label, due.yuan()),
            ))),
            Err(message) => error.set(Some(ApiError::new("MONEY_MALFORMED", message))),
        }
    });
    let commit = Callback::new(move |()| {
        if in_flight.get_untracked() {
            return;
        }
        let (Some(view), Some(key)) = (trial.get_untracked(), key.get_untracked()) else { return };
        settling.dispatch_local(SettleRequest {
            case_no: view.case_no.clone(),
            key,
            kind: view.kind.code.clone(),
            version: view.version.clone(),
            expected_due: view.due.to_string(),
            tenders: rows.with_untracked(|r| inputs(r)),
            cash_received: Some(received.get_untracked()).filter(|r| !r.trim().is_empty()),
        });
    });
    let print_list = Callback::new(move |()| {
        let Some(case_no) = desk.case_no() else { return };
        spawn_local(async move {
            match ipc::print_statement(&case_no).await {
                Ok(out) => desk.say(
                    format!("费用清单已打印（{} 页）：{}", out.pages, out.printer.unwrap_or(out.path)),
                    Level::Done,
                ),
                Err(e) => desk.fail(&e),
            }
        });
    });
    let keys = move |ev: leptos::ev::KeyboardEvent| match ev.key().as_str() {
        "F5" => {
            ev.prevent_default();
            run_trial.run(());
        }
        "F9" => {
            ev.prevent_default();
            match steps.current.get_untracked() {
                Step::Trial => next.run(()),
                Step::Confirm => commit.run(()),
                Step::Done(_) => {}
            }
        }
        "F12" => {
            ev.prevent_default();
            print_list.run(());
        }
        _ => {}
    };
    let title = format!("出院 / 中途结算（F5 试算，F9 结算）病案号 {case_no}");
    view! {
        <div on:keydown=keys>
            <Modal id="settle-dialog" title=title step=steps.moves()>
                <KindSelect kind=kind on_change=run_trial/>
                {move || match (steps.current.get(), trial.get()) {
                    (Step::Done(settled), _) => view! { <SettleDone settled=*settled print_list=print_list/> }.into_any(),
                    (_, None) => view! {
                        <div class="muted">{move || if in_flight.get() { "正在试算…" } else { "" }}</div>
                        <DialogError error=error/>
                    }
                    .into_any(),
                    (Step::Trial, Some(view)) => view! {
                        <TrialStep view=view rows=rows received=received error=error on_retry=run_trial on_next=next/>
                    }
                    .into_any(),
                    (Step::Confirm, Some(view)) => view! {
                        <SettleConfirm
                            view=view
                            rows=rows
                            error=error
                            in_flight=in_flight
                            on_back=Callback::new(move |()| steps.go(Step::Trial))
                            on_confirm=commit
                        />
                    }
                    .into_any(),
                }}
            </Modal>
        </div>
    }
}

/// 出院结算 or 中途结算; a change runs the trial again.
#[component]
fn KindSelect(kind: RwSignal<SettleKind>, on_change: Callback<()>) -> impl IntoView {
    view! {
        <div class="settle-kind">
            <label for="settle-kind">"结算类型"</label>
            <select
                id="settle-kind"
                on:change=move |ev| {
                    if let Some(chosen) = SettleKind::from_code(&event_target_value(&ev)) {
                        kind.set(chosen);
                    }
                    on_change.run(());
                }
            >
                {SettleKind::ALL
                    .into_iter()
                    .map(|k| view! { <option value=k.code() selected=move || kind.get() == k>{k.label()}</option> })
                    .collect_view()}
            </select>
        </div>
    }
}
