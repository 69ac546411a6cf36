//! F5 试算 / F9 结算: the trial's figures (fees by category, insurance, blood reimbursement,
//! deposits, the due or refund in figures and 大写), the tenders or refund routes that must add
//! up exactly, a confirmation, then the settlement number and its printed statement.

use contract::ApiError;
use contract::cashier::{SettleRequest, SettlementView, TrialRequest, TrialView};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::tenders::{CashPanel, TenderRow, TenderRows, describe, inputs, total};
use super::{DialogError, Modal};
use crate::desk::Desk;
use crate::ipc;

#[derive(Clone, Debug, PartialEq)]
enum Step {
    Trial,
    Confirm,
    Done(Box<SettlementView>),
}

#[component]
pub fn SettleDialog(kind: &'static str) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let case_no = desk.case_no().unwrap_or_default();
    let kind = RwSignal::new(kind.to_owned());
    let trial: RwSignal<Option<TrialView>> = RwSignal::new(None);
    let key: RwSignal<Option<String>> = RwSignal::new(None);
    let rows: RwSignal<Vec<TenderRow>> = RwSignal::new(Vec::new());
    let received = RwSignal::new(String::new());
    let step = RwSignal::new(Step::Trial);
    let step_no = RwSignal::new(0u32);
    let error: RwSignal<Option<ApiError>> = RwSignal::new(None);
    let busy = RwSignal::new(false);
    let go = move |next: Step| {
        step.set(next);
        step_no.update(|n| *n += 1);
    };

    let case_value = StoredValue::new(case_no.clone());
    let run_trial = move || {
        let request = TrialRequest { case_no: case_value.get_value(), kind: kind.get_untracked() };
        busy.set(true);
        spawn_local(async move {
            // A fresh key for each trial the cashier may confirm: nothing was committed under the last.
            if let Ok(k) = ipc::operation_key().await {
                key.set(Some(k));
            }
            match ipc::trial(&request).await {
                Ok(view) => {
                    let due = view.due.money();
                    let prefill = if due.is_positive() {
                        vec![TenderRow::new(0, "cash", due.to_string())]
                    } else {
                        view.refund_suggestion
                            .iter()
                            .enumerate()
                            .map(|(i, t)| TenderRow::new(i, &t.tender.code, t.amount.to_string()))
                            .collect()
                    };
                    rows.set(prefill);
                    received.set(String::new());
                    error.set(None);
                    trial.set(Some(view));
                }
                Err(e) => {
                    trial.set(None);
                    error.set(Some(e));
                }
            }
            busy.set(false);
            go(Step::Trial);
        });
    };
    run_trial();

    let next = move || {
        let Some(view) = trial.get_untracked() else { return };
        let due = view.due.money().abs();
        match rows.with_untracked(|r| total(r)) {
            Ok(sum) if sum == due || (due.is_zero() && rows.with_untracked(Vec::is_empty)) => {
                error.set(None);
                go(Step::Confirm);
            }
            Ok(sum) => error.set(Some(ApiError::new(
                "TENDER_SUM_MISMATCH",
                format!("各支付方式合计 {} 与{} {} 不符", sum.yuan(), view.due_label, due.yuan()),
            ))),
            Err(message) => error.set(Some(ApiError::new("MONEY_MALFORMED", message))),
        }
    };
    let commit = move || {
        if busy.get_untracked() {
            return;
        }
        let (Some(view), Some(key)) = (trial.get_untracked(), key.get_untracked()) else { return };
        busy.set(true);
        let request = SettleRequest {
            case_no: view.case_no.clone(),
            key,
            kind: view.kind.code.clone(),
            version: view.version.clone(),
            expected_due: view.due.to_string(),
            tenders: rows.with_untracked(|r| inputs(r)),
            cash_received: Some(received.get_untracked()).filter(|r| !r.trim().is_empty()),
        };
        spawn_local(async move {
            match ipc::settle(&request).await {
                Ok(settled) => {
                    desk.refresh();
                    let number = settled.settlement_no.clone();
                    go(Step::Done(Box::new(settled)));
                    match ipc::print_settlement(&request.case_no, &number).await {
                        Ok(out) => {
                            desk.say(format!("结算单 {number} 已打印（{}）", out.printer.unwrap_or(out.path)), "done")
                        }
                        Err(e) => desk.fail(&e),
                    }
                }
                Err(e) => {
                    error.set(Some(e));
                    go(Step::Trial);
                }
            }
            busy.set(false);
        });
    };
    let print_list = move || {
        let Some(case_no) = desk.case_no() else { return };
        spawn_local(async move {
            match ipc::print_statement(&case_no).await {
                Ok(out) => {
                    desk.say(format!("费用清单已打印（{} 页）：{}", out.pages, out.printer.unwrap_or(out.path)), "done")
                }
                Err(e) => desk.fail(&e),
            }
        });
    };
    let keys = move |ev: leptos::ev::KeyboardEvent| match ev.key().as_str() {
        "F5" => {
            ev.prevent_default();
            run_trial();
        }
        "F9" => {
            ev.prevent_default();
            match step.get_untracked() {
                Step::Trial => next(),
                Step::Confirm => commit(),
                Step::Done(_) => {}
            }
        }
        "F12" => {
            ev.prevent_default();
            print_list();
        }
        _ => {}
    };
    let title = format!("出院 / 中途结算（F5 试算，F9 结算）病案号 {case_no}");
    view! {
        <div on:keydown=keys>
            <Modal id="settle-dialog" title=title step=Signal::derive(move || step_no.get())>
                <div class="settle-kind">
                    <label for="settle-kind">"结算类型"</label>
                    <select
                        id="settle-kind"
                        on:change=move |ev| {
                            kind.set(event_target_value(&ev));
                            run_trial();
                        }
                    >
                        <option value="discharge" selected=move || kind.get() == "discharge">"出院结算"</option>
                        <option value="mid_stay" selected=move || kind.get() == "mid_stay">"中途结算"</option>
                    </select>
                </div>
                {move || match (step.get(), trial.get()) {
                    (Step::Done(settled), _) => done_view(*settled, desk, print_list).into_any(),
                    (_, None) => view! {
                        <div class="muted">{move || if busy.get() { "正在试算…" } else { "" }}</div>
                        <DialogError error=error/>
                    }
                    .into_any(),
                    (Step::Trial, Some(view)) => view! {
                        <TrialFigures view=view.clone()/>
                        <Show when={
                            let due = view.due.money();
                            move || !due.is_zero()
                        }>
                            <div class="pane-title">{if view.due.money().is_negative() { "退款方式（原路退回或现金）" } else { "收款方式" }}</div>
                            <TenderRows rows=rows remainder_of=view.due.money().abs()/>
                            <Show when={
                                let due = view.due.money();
                                move || due.is_positive()
                            }>
                                <CashPanel rows=rows received=received/>
                            </Show>
                        </Show>
                        <DialogError error=error/>
                        <div class="dialog-actions">
                            <button on:click=move |_| run_trial()>"重新试算（F5）"</button>
                            <button class="primary" id="settle-next" on:click=move |_| next()>"结算（F9）"</button>
                        </div>
                    }
                    .into_any(),
                    (Step::Confirm, Some(view)) => view! {
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
                            <button on:click=move |_| go(Step::Trial)>"返回修改"</button>
                            <button class="primary" id="settle-confirm" data-autofocus="1" disabled=move || busy.get() on:click=move |_| commit()>
                                "确认结算（Enter）"
                            </button>
                        </div>
                    }
                    .into_any(),
                }}
            </Modal>
        </div>
    }
}

#[component]
fn TrialFigures(view: TrialView) -> impl IntoView {
    let due = view.due.money();
    let due_class = if due.is_positive() { "figure owed" } else { "figure" };
    view! {
        <div class="trial" id="trial-figures">
            <table class="grid trial-categories">
                <thead><tr><th>"费用类别"</th><th class="num">"条数"</th><th class="num">"金额"</th></tr></thead>
                <tbody>
                    {view.categories.iter().map(|c| view! {
                        <tr><td>{c.category.label.clone()}</td><td class="num">{c.lines}</td><td class="num">{c.total.display()}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
            <table class="grid trial-totals">
                <tbody>
                    <tr><td>"费用总额"</td><td class="num" id="trial-fees">{view.fees.display()}</td></tr>
                    <tr><td>{format!("医保统筹支付（{}）", view.insurance.label)}</td><td class="num" id="trial-fund">{view.insurance_fund.display()}</td></tr>
                    <tr><td>"个人账户支付"</td><td class="num">{view.personal_account.display()}</td></tr>
                    <tr><td>"用血减免"</td><td class="num" id="trial-blood">{view.blood_reimbursement.display()}</td></tr>
                    <tr><td>"预交金冲抵"</td><td class="num">{view.deposits_applied.display()}</td></tr>
                </tbody>
            </table>
            <div class=due_class>
                <div class="label">{view.due_label.clone()}</div>
                <div class="amount" id="trial-due" data-amount=view.due.to_string()>{due.abs().yuan()}</div>
                <div class="words">{format!("大写：{}", view.due_words)}</div>
            </div>
        </div>
    }
}

fn done_view(settled: SettlementView, desk: Desk, print_list: impl Fn() + Copy + 'static) -> impl IntoView {
    let refunded = settled.due.money().is_negative();
    view! {
        <div class="confirm-figures done" id="settle-result">
            <div>{format!("{}成功", settled.kind.label)}</div>
            <div>"结算单号 " <b id="settlement-no">{settled.settlement_no.clone()}</b></div>
            <div class="big num">
                {if refunded { format!("已退款 {}", settled.due.money().abs().yuan()) } else { format!("已收款 {}", settled.due.money().yuan()) }}
            </div>
            <Show when={
                let change = settled.change.money();
                move || change.is_positive()
            }>
                <div class="big num">{format!("找零 {}", settled.change.display())}</div>
            </Show>
            <div class="muted">{format!("{} · {}", settled.place.label, settled.invoice_status.label)}</div>
        </div>
        <div class="dialog-actions">
            <button id="print-fee-list" on:click=move |_| print_list()>"打印费用清单（F12）"</button>
            <button class="primary" on:click=move |_| desk.close() data-autofocus="1">"完成（Enter）"</button>
        </div>
    }
}
