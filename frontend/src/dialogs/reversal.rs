//! Reversing a deposit (冲红, by original route or cash) and voiding a spoiled receipt (作废
//! 重打), both from the deposit list.

use contract::ApiError;
use contract::account::DepositView;
use contract::cashier::{ReversalRequest, TenderInput, VoidReceiptRequest};
use contract::tender::CASH;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::{DialogError, Modal};
use crate::desk::{Desk, Level};
use crate::ipc;

#[component]
pub fn ReverseDialog(deposit: DepositView) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let cash_only = deposit.tenders.iter().all(|t| t.tender.code == CASH);
    let amount = RwSignal::new(deposit.reversible.to_string());
    let mut routes: Vec<(String, String)> = deposit
        .tenders
        .iter()
        .filter(|t| t.tender.code != CASH)
        .map(|t| (t.tender.code.clone(), format!("原路退回{}", t.tender.label)))
        .collect();
    routes.push((CASH.into(), "现金退回".into()));
    let route = RwSignal::new(routes[0].0.clone());
    let reason = RwSignal::new(String::new());
    let key: RwSignal<Option<String>> = RwSignal::new(None);
    let error: RwSignal<Option<ApiError>> = RwSignal::new(None);
    spawn_local(async move {
        if let Ok(k) = ipc::operation_key().await {
            key.set(Some(k));
        }
    });
    let reversing = Action::new_local(move |request: &ReversalRequest| {
        let request = request.clone();
        async move {
            match ipc::reverse_deposit(&request).await {
                Ok(receipt) => {
                    desk.refresh();
                    let by_channel = receipt.tenders.iter().find(|t| t.tender.code != CASH && t.reference.is_some());
                    let route = by_channel
                        .map(|t| format!("；{}原路退款已提交，到账情况见“原路退款”", t.tender.label))
                        .unwrap_or_default();
                    desk.say(
                        format!("已冲红 {}，凭证号 {}{route}", receipt.amount.money().abs().yuan(), receipt.receipt_no),
                        Level::Done,
                    );
                    desk.close_and_print_receipt(request.case_no.clone(), receipt.receipt_no.clone());
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let sending = reversing.pending();
    let receipt_no = StoredValue::new(deposit.receipt_no.clone());
    let submit = move |_| {
        if sending.get_untracked() {
            return;
        }
        let (Some(key), Some(case_no)) = (key.get_untracked(), desk.case_no()) else { return };
        reversing.dispatch_local(ReversalRequest {
            case_no,
            key,
            receipt_no: receipt_no.get_value(),
            amount: amount.get_untracked(),
            tenders: vec![TenderInput::new(route.get_untracked(), amount.get_untracked())],
            reason: reason.get_untracked(),
        });
    };
    view! {
        <Modal id="reverse-dialog" title=format!("预交金冲红 收据号 {}", deposit.receipt_no)>
            <div class="muted">
                {if cash_only { "现金预交金可部分冲红。" } else { "非现金预交金只能全额冲红，原路退回或现金退回。" }}
                {format!("可冲红 {}", deposit.reversible.display())}
            </div>
            <label for="reverse-amount">"冲红金额"</label>
            <input id="reverse-amount" class="num" type="text" bind:value=amount readonly=!cash_only/>
            <label for="reverse-route">"退回方式"</label>
            <select id="reverse-route" on:change=move |ev| route.set(event_target_value(&ev))>
                {routes.into_iter().map(|(code, label)| view! { <option value=code>{label}</option> }).collect_view()}
            </select>
            <label for="reverse-reason">"冲红原因"</label>
            <input id="reverse-reason" type="text" bind:value=reason/>
            <div class="words">{move || contract::Money::parse(&amount.get()).map(|m| format!("大写：{}", m.words())).unwrap_or_default()}</div>
            <DialogError error=error/>
            <div class="dialog-actions">
                <button class="primary" id="reverse-confirm" disabled=move || sending.get() on:click=submit>"确认冲红（Enter）"</button>
            </div>
        </Modal>
    }
}

#[component]
pub fn VoidReceiptDialog(deposit: DepositView) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let reason = RwSignal::new(String::new());
    let error: RwSignal<Option<ApiError>> = RwSignal::new(None);
    let receipt_no = StoredValue::new(deposit.receipt_no.clone());
    let submit = move |_| {
        let Some(case_no) = desk.case_no() else { return };
        let request =
            VoidReceiptRequest { case_no, receipt_no: receipt_no.get_value(), reason: reason.get_untracked() };
        spawn_local(async move {
            match ipc::void_receipt(&request).await {
                Ok(receipt) => {
                    desk.refresh();
                    desk.say(
                        format!("收据 {} 已作废，新收据号 {}", request.receipt_no, receipt.receipt_no),
                        Level::Done,
                    );
                    desk.close_and_print_receipt(request.case_no.clone(), receipt.receipt_no.clone());
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <Modal id="void-dialog" title=format!("收据作废重打 {}", deposit.receipt_no)>
            <div class="muted">"作废的收据号会被记录，永不重复使用；预交金不变，以新收据号重新打印。"</div>
            <label for="void-reason">"作废原因"</label>
            <input id="void-reason" type="text" bind:value=reason/>
            <DialogError error=error/>
            <div class="dialog-actions">
                <button class="primary" id="void-confirm" on:click=submit>"作废并重打（Enter）"</button>
            </div>
        </Modal>
    }
}
