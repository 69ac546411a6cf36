//! 改退 (a supervisor's): a refund by the original route the channel could not make (退款失败) is
//! paid another way — in cash from the drawer (改退现金) or by the hospital's bank to an account
//! the patient designates (转账退款: bank, holder, account; only the masked number is kept) —
//! with a reason; the receipt is printed.

use contract::ApiError;
use contract::account::RefundView;
use contract::cashier::{PayeeInput, RefundOtherwiseRequest};
use contract::tender::{CASH, TRANSFER};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::{DialogError, Modal};
use crate::desk::{Desk, Level};
use crate::ipc;

#[component]
pub fn RefundOtherwiseDialog(refund: RefundView) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let way = RwSignal::new(CASH.to_owned());
    let bank = RwSignal::new(String::new());
    let holder = RwSignal::new(String::new());
    let account = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let key: RwSignal<Option<String>> = RwSignal::new(None);
    let error: RwSignal<Option<ApiError>> = RwSignal::new(None);
    spawn_local(async move {
        if let Ok(k) = ipc::operation_key().await {
            key.set(Some(k));
        }
    });
    let paying = Action::new_local(move |request: &RefundOtherwiseRequest| {
        let request = request.clone();
        async move {
            match ipc::refund_otherwise(&request).await {
                Ok(receipt) => {
                    desk.refresh();
                    let amount = receipt.amount.money().abs().yuan();
                    let said = match receipt.tenders.first().and_then(|t| t.reference.clone()) {
                        Some(payee) if request.payee.is_some() => {
                            format!("已登记转账退款 {amount} 至 {payee}，凭证号 {}", receipt.receipt_no)
                        }
                        _ => format!("已改退现金 {amount}，请付给患者；凭证号 {}", receipt.receipt_no),
                    };
                    desk.say(said, Level::Done);
                    desk.close_and_print_receipt(request.case_no.clone(), receipt.receipt_no.clone());
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let sending = paying.pending();
    let refund_no = StoredValue::new(refund.refund_no.clone());
    let submit = move |_| {
        if sending.get_untracked() {
            return;
        }
        let (Some(key), Some(case_no)) = (key.get_untracked(), desk.case_no()) else { return };
        let payee = (way.get_untracked() == TRANSFER).then(|| PayeeInput {
            bank: bank.get_untracked(),
            holder: holder.get_untracked(),
            account: account.get_untracked(),
        });
        paying.dispatch_local(RefundOtherwiseRequest {
            case_no,
            key,
            refund_no: refund_no.get_value(),
            reason: reason.get_untracked(),
            payee,
        });
    };
    let by_transfer = move || way.get() == TRANSFER;
    let failure = refund.message.clone().unwrap_or_else(|| "渠道未说明原因".to_owned());
    view! {
        <Modal id="refund-otherwise-dialog" title=format!("原路退款失败 改退 {}", refund.record_no)>
            <div class="muted">
                {format!("{}原路退款 {} 失败：{failure}", refund.tender.label, refund.amount.display())}
            </div>
            <label for="otherwise-way">"改退方式"</label>
            <select id="otherwise-way" on:change=move |ev| way.set(event_target_value(&ev))>
                <option value=CASH>"现金退回（改退现金）"</option>
                <option value=TRANSFER>"转账到患者指定账户（转账退款）"</option>
            </select>
            <Show when=by_transfer>
                <label for="otherwise-bank">"开户银行"</label>
                <input id="otherwise-bank" type="text" bind:value=bank/>
                <label for="otherwise-holder">"收款人"</label>
                <input id="otherwise-holder" type="text" bind:value=holder/>
                <label for="otherwise-account">"账号"</label>
                <input id="otherwise-account" type="text" inputmode="numeric" bind:value=account/>
                <div class="muted">"账号只保存前四位和后四位，请让患者在转账退款申请上签字。"</div>
            </Show>
            <label for="otherwise-reason">"原因"</label>
            <input id="otherwise-reason" type="text" bind:value=reason/>
            <DialogError error=error/>
            <div class="dialog-actions">
                <button class="primary" id="otherwise-confirm" disabled=move || sending.get() on:click=submit>
                    {move || if by_transfer() { "确认转账退款（Enter）" } else { "确认改退现金（Enter）" }}
                </button>
            </div>
        </Modal>
    }
}
