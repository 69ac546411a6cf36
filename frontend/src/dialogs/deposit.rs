//! F4 交预交金, one component per step: the tenders (split allowed) with cash received and
//! change, a confirmation with the amount in 大写, then the receipt number and the printed
//! receipt. The operation key is asked for when the dialog opens and sent with every try.

use contract::cashier::{DepositReceipt, DepositRequest};
use contract::tender::CASH;
use contract::{ApiError, Money};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::tenders::{CashPanel, TenderRow, TenderRows, describe, inputs, total};
use super::{DialogError, Modal, Steps};
use crate::desk::{Desk, Level};
use crate::ipc;

#[derive(Clone, Debug, PartialEq)]
enum Step {
    Entry,
    Confirm(Money),
    Done(DepositReceipt),
}

#[component]
pub fn DepositDialog() -> impl IntoView {
    let desk = expect_context::<Desk>();
    let case_no = desk.case_no().unwrap_or_default();
    let key: RwSignal<Option<String>> = RwSignal::new(None);
    let rows = RwSignal::new(vec![TenderRow::new(0, CASH, String::new())]);
    let received = RwSignal::new(String::new());
    let steps = Steps::new(Step::Entry);
    let error: RwSignal<Option<ApiError>> = RwSignal::new(None);
    spawn_local(async move {
        match ipc::operation_key().await {
            Ok(k) => key.set(Some(k)),
            Err(e) => error.set(Some(e)),
        }
    });
    let take = Action::new_local(move |request: &DepositRequest| {
        let request = request.clone();
        async move {
            match ipc::take_deposit(&request).await {
                Ok(receipt) => {
                    desk.refresh();
                    let receipt_no = receipt.receipt_no.clone();
                    steps.go(Step::Done(receipt));
                    let since = desk.said();
                    match ipc::print_deposit_receipt(&request.case_no, &receipt_no).await {
                        Ok(out) => desk.say_unless_newer(
                            since,
                            format!("预交金收据 {receipt_no} 已打印（{}）", out.printer.unwrap_or(out.path)),
                            Level::Done,
                        ),
                        Err(e) => desk.fail(&e),
                    }
                }
                Err(e) => {
                    error.set(Some(e));
                    steps.go(Step::Entry);
                }
            }
        }
    });
    let sending = take.pending();
    let case_for_confirm = StoredValue::new(case_no.clone());
    let confirm = Callback::new(move |()| {
        if sending.get_untracked() {
            return;
        }
        let Some(key) = key.get_untracked() else { return };
        take.dispatch_local(DepositRequest {
            case_no: case_for_confirm.get_value(),
            key,
            tenders: rows.with_untracked(|r| inputs(r)),
            cash_received: Some(received.get_untracked()).filter(|r| !r.trim().is_empty()),
        });
    });
    view! {
        <Modal id="deposit-dialog" title=format!("交预交金（F4） 病案号 {case_no}") step=steps.moves()>
            {move || match steps.current.get() {
                Step::Entry => view! { <DepositEntry rows=rows received=received error=error steps=steps/> }.into_any(),
                Step::Confirm(sum) => view! {
                    <DepositConfirm sum=sum rows=rows error=error steps=steps sending=sending on_confirm=confirm/>
                }
                .into_any(),
                Step::Done(receipt) => view! { <DepositDone receipt=receipt/> }.into_any(),
            }}
        </Modal>
    }
}

/// The tenders and the cash panel; Enter on 下一步 checks the sum and moves on.
#[component]
fn DepositEntry(
    rows: RwSignal<Vec<TenderRow>>,
    received: RwSignal<String>,
    error: RwSignal<Option<ApiError>>,
    steps: Steps<Step>,
) -> impl IntoView {
    let next = move |_| match rows.with_untracked(|r| total(r)) {
        Ok(sum) if sum.is_positive() => {
            error.set(None);
            steps.go(Step::Confirm(sum));
        }
        Ok(_) => error.set(Some(ApiError::new("AMOUNT_NOT_POSITIVE", "预交金金额必须大于零"))),
        Err(message) => error.set(Some(ApiError::new("MONEY_MALFORMED", message))),
    };
    view! {
        <TenderRows rows=rows/>
        <CashPanel rows=rows received=received/>
        <div class="dialog-total">
            "合计 "
            <b class="num">{move || rows.with(|r| total(r)).map(|m| m.yuan()).unwrap_or_else(|_| "—".into())}</b>
        </div>
        <DialogError error=error/>
        <div class="dialog-actions">
            <button class="primary" id="deposit-next" on:click=next>"下一步（Enter）"</button>
        </div>
    }
}

/// The amount in figures and 大写 and how it is paid; 确认收款 sends it.
#[component]
fn DepositConfirm(
    sum: Money,
    rows: RwSignal<Vec<TenderRow>>,
    error: RwSignal<Option<ApiError>>,
    steps: Steps<Step>,
    sending: Memo<bool>,
    on_confirm: Callback<()>,
) -> impl IntoView {
    view! {
        <div class="confirm-figures">
            <div>"收取预交金"</div>
            <div class="big num">{sum.yuan()}</div>
            <div class="words">{format!("大写：{}", sum.words())}</div>
            <div class="muted">
                {rows.with_untracked(|r| describe(r))}
            </div>
        </div>
        <DialogError error=error/>
        <div class="dialog-actions">
            <button on:click=move |_| steps.go(Step::Entry)>"返回修改"</button>
            <button class="primary" id="deposit-confirm" data-autofocus="1" disabled=move || sending.get() on:click=move |_| on_confirm.run(())>
                "确认收款（Enter）"
            </button>
        </div>
    }
}

/// The receipt number and the change.
#[component]
fn DepositDone(receipt: DepositReceipt) -> impl IntoView {
    let desk = expect_context::<Desk>();
    view! {
        <div class="confirm-figures done" id="deposit-result">
            <div>"已收预交金 " <b class="num">{receipt.amount.display()}</b></div>
            <div>"收据号 " <b id="deposit-receipt-no">{receipt.receipt_no.clone()}</b></div>
            <div class="big num">{format!("找零 {}", receipt.change.display())}</div>
        </div>
        <div class="dialog-actions">
            <button class="primary" on:click=move |_| desk.close() data-autofocus="1">"完成（Enter）"</button>
        </div>
    }
}
