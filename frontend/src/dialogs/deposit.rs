//! F4 交预交金: tenders (split allowed), cash received and change, a confirmation with the
//! amount in 大写, then the receipt number and the printed receipt.

use contract::cashier::{DepositReceipt, DepositRequest};
use contract::{ApiError, Money};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::tenders::{CashPanel, TenderRow, TenderRows, describe, inputs, total};
use super::{DialogError, Modal};
use crate::desk::Desk;
use crate::ipc;

#[derive(Clone, Debug, PartialEq)]
enum Step {
    Form,
    Confirm(Money),
    Done(DepositReceipt),
}

#[component]
pub fn DepositDialog() -> impl IntoView {
    let desk = expect_context::<Desk>();
    let case_no = desk.case_no().unwrap_or_default();
    let key: RwSignal<Option<String>> = RwSignal::new(None);
    let rows = RwSignal::new(vec![TenderRow::new(0, "cash", String::new())]);
    let received = RwSignal::new(String::new());
    let step = RwSignal::new(Step::Form);
    let step_no = RwSignal::new(0u32);
    let error: RwSignal<Option<ApiError>> = RwSignal::new(None);
    let busy = RwSignal::new(false);
    spawn_local(async move {
        match ipc::operation_key().await {
            Ok(k) => key.set(Some(k)),
            Err(e) => error.set(Some(e)),
        }
    });
    let go = move |next: Step| {
        step.set(next);
        step_no.update(|n| *n += 1);
    };
    let next = move |_| match rows.with_untracked(|r| total(r)) {
        Ok(sum) if sum.is_positive() => {
            error.set(None);
            go(Step::Confirm(sum));
        }
        Ok(_) => error.set(Some(ApiError::new("AMOUNT_NOT_POSITIVE", "预交金金额必须大于零"))),
        Err(message) => error.set(Some(ApiError::new("MONEY_MALFORMED", message))),
    };
    let case_for_confirm = case_no.clone();
    let confirm = move |_| {
        if busy.get_untracked() {
            return;
        }
        let Some(key) = key.get_untracked() else { return };
        busy.set(true);
        let request = DepositRequest {
            case_no: case_for_confirm.clone(),
            key,
            tenders: rows.with_untracked(|r| inputs(r)),
            cash_received: Some(received.get_untracked()).filter(|r| !r.trim().is_empty()),
        };
        spawn_local(async move {
            match ipc::take_deposit(&request).await {
                Ok(receipt) => {
                    desk.refresh();
                    let print_case = request.case_no.clone();
                    let receipt_no = receipt.receipt_no.clone();
                    go(Step::Done(receipt));
                    match ipc::print_deposit_receipt(&print_case, &receipt_no).await {
                        Ok(out) => desk.say(
                            format!("预交金收据 {receipt_no} 已打印（{}）", out.printer.unwrap_or(out.path)),
                            "done",
                        ),
                        Err(e) => desk.fail(&e),
                    }
                }
                Err(e) => {
                    error.set(Some(e));
                    go(Step::Form);
                }
            }
            busy.set(false);
        });
    };
    view! {
        <Modal id="deposit-dialog" title=format!("交预交金（F4） 病案号 {case_no}") step=Signal::derive(move || step_no.get())>
            {move || match step.get() {
                Step::Form => view! {
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
                .into_any(),
                Step::Confirm(sum) => view! {
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
                        <button on:click=move |_| go(Step::Form)>"返回修改"</button>
                        <button class="primary" id="deposit-confirm" data-autofocus="1" disabled=move || busy.get() on:click=confirm.clone()>
                            "确认收款（Enter）"
                        </button>
                    </div>
                }
                .into_any(),
                Step::Done(receipt) => view! {
                    <div class="confirm-figures done" id="deposit-result">
                        <div>"已收预交金 " <b class="num">{receipt.amount.display()}</b></div>
                        <div>"收据号 " <b id="deposit-receipt-no">{receipt.receipt_no.clone()}</b></div>
                        <div class="big num">{format!("找零 {}", receipt.change.display())}</div>
                    </div>
                    <div class="dialog-actions">
                        <button class="primary" on:click=move |_| desk.close() data-autofocus="1">"完成（Enter）"</button>
                    </div>
                }
                .into_any(),
            }}
        </Modal>
    }
}
